// Writes out/grid.png: a Fashion-MNIST batch before (top) and after (bottom) the default training
// pipeline, and prints the dataset's channel statistics next to the built-in constants.
//   pnpm --filter @convkit/example-augment-grid start
//   tsx grid.ts --backend wasm --seed 3 --count 32
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  ChannelStats,
  defaultTrainPipeline,
  denormalize,
  FASHION_MNIST_STATS,
  toFloat,
} from '@convkit/augment';
import { formatReport, initBackend, Rng } from '@convkit/backend';
import { loadFashionMnist } from '@convkit/data';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import { encodePng, stack, tile } from './png';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { backend: { type: 'string' }, seed: { type: 'string' }, count: { type: 'string' } },
  });
  const report = await initBackend(values.backend ? { backend: values.backend, strict: true } : {});
  console.log(formatReport(report));
  const seed = Number(values.seed ?? 0);
  const count = Number(values.count ?? 32);

  const train = await loadFashionMnist('train');
  // One streaming pass over the training pixels (float64 per batch, merged with Chan's update).
  const stats = new ChannelStats({ scale: 1 / 255 });
  const per = 28 * 28;
  for (let i = 0; i < train.count; i += 1000) {
    const n = Math.min(1000, train.count - i);
    stats.update({ data: train.images.subarray(i * per, (i + n) * per), shape: [n, 28, 28, 1] });
  }
  console.log(
    `Fashion-MNIST train (this package's split, ${train.count} images): mean ${stats.mean[0].toFixed(4)}, ` +
      `std ${stats.std()[0].toFixed(4)}; built-in constants: mean ${FASHION_MNIST_STATS.mean[0]}, std ${FASHION_MNIST_STATS.std[0]}`,
  );

  const x = toFloat(train.images.subarray(0, count * per), [count, 28, 28, 1]) as Tensor4D;
  const pipeline = defaultTrainPipeline({ stats: FASHION_MNIST_STATS });
  console.log(
    `pipeline: ${pipeline.steps.map((s) => (s.random ? s.name : `${s.name} (fixed)`)).join(' → ')}`,
  );
  const y = pipeline(x, new Rng(seed));
  const shown = denormalize(y, FASHION_MNIST_STATS.mean, FASHION_MNIST_STATS.std);
  const opts = { cols: 8, zoom: 3, gap: 2, background: 0.35 };
  const before = tile(await x.data(), count, [28, 28, 1], opts);
  const after = tile(await shown.data(), count, [28, 28, 1], opts);
  const grid = stack([before, after], 1, 8, 1);
  const dir = new URL('./out/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  const file = new URL('grid.png', dir);
  writeFileSync(file, encodePng(grid.pixels, grid.width, grid.height, 1));
  console.log(`wrote ${file.pathname} (${grid.width}×${grid.height}): top = original, bottom = augmented`);
  for (const t of [x, y, shown]) t.dispose();
}

main().then(
  // Exit explicitly: Dawn (WebGPU in Node) keeps the event loop alive while its device lives.
  () => process.exit(0),
  (err) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);
