// Throughput of the default augmentation pipeline per backend, next to one training step of a
// small CNN on the same batch. Import `benchAugment` from a bench runner, or run it directly:
//   cd packages/augment/bench && tsx augment-bench.ts [--backends cpu,wasm,webgpu] [--iterations 10]
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  CIFAR10_STATS,
  defaultTrainPipeline,
  FASHION_MNIST_STATS,
  type NormalizationStats,
} from '@convkit/augment';
import { initBackend, Rng } from '@convkit/backend';
import {
  Conv2d,
  crossEntropy,
  Flatten,
  Linear,
  MaxPool2d,
  ReLU,
  Sequential,
  sgdStep,
  valueAndGrads,
} from '@convkit/core';
import { dispose, type Tensor, type Tensor4D, tensor, tensor1d } from '@tensorflow/tfjs-core';

export interface AugmentBenchOptions {
  /** Default ['cpu', 'wasm', 'webgpu']; a backend that cannot start is reported and skipped. */
  backends?: string[];
  /** Default 256. */
  batchSize?: number;
  /** Timed batches per measurement. Default 10. */
  iterations?: number;
  /** Untimed batches first (kernel compilation, allocation). Default 3. */
  warmup?: number;
  /** Also time one SGD training step of the small CNN on the same batch. Default true. */
  trainStep?: boolean;
  log?: (line: string) => void;
}

export interface AugmentBenchRow {
  backend: string;
  /** 'HxWxC'. */
  input: string;
  batchSize: number;
  /** Default pipeline (pad-crop 4, flip, jitter, normalize, erasing), ms per batch. */
  augmentMs: number;
  imagesPerSecond: number;
  /** One training step (forward, backward, SGD update) of the small CNN, ms per batch. */
  trainStepMs?: number;
  /** augmentMs / trainStepMs. */
  ratio?: number;
}

const INPUTS: { shape: [number, number, number]; stats: NormalizationStats }[] = [
  { shape: [32, 32, 3], stats: CIFAR10_STATS },
  { shape: [28, 28, 1], stats: FASHION_MNIST_STATS },
];

/** The examples/mnist CNN for an H×W×C input: 2 × (conv 3×3 → ReLU → max-pool 2) → linear. */
function smallCnn(h: number, w: number, c: number): Sequential {
  const rng = new Rng(0);
  return new Sequential(
    new Conv2d({ inChannels: c, outChannels: 16, kernelSize: 3, padding: 1, rng: rng.fork() }),
    new ReLU(),
    new MaxPool2d({ kernelSize: 2 }),
    new Conv2d({ inChannels: 16, outChannels: 32, kernelSize: 3, padding: 1, rng: rng.fork() }),
    new ReLU(),
    new MaxPool2d({ kernelSize: 2 }),
    new Flatten(),
    new Linear({ inFeatures: Math.floor(h / 4) * Math.floor(w / 4) * 32, outFeatures: 10, rng: rng.fork() }),
  );
}

/** Mean ms per call of `run` over `iterations`, after `warmup` calls; one read-back at the end syncs the device. */
async function time(run: () => Tensor, warmup: number, iterations: number): Promise<number> {
  for (let k = 0; k < warmup; k++) {
    const t = run();
    await t.data();
    t.dispose();
  }
  const start = performance.now();
  let last: Tensor | undefined;
  for (let k = 0; k < iterations; k++) {
    last?.dispose();
    last = run();
  }
  await last?.data();
  const ms = (performance.now() - start) / iterations;
  last?.dispose();
  return ms;
}

/**
 * Measures images/second of `defaultTrainPipeline` on random [B, 32, 32, 3] (CIFAR stats) and
 * [B, 28, 28, 1] (Fashion-MNIST stats) batches on each backend, and the time of one training step
 * of the small CNN on the same batch for comparison.
 *
 * @example
 * const rows = await benchAugment({ backends: ['wasm'] });
 * console.log(formatAugmentBench(rows));
 */
export async function benchAugment(options: AugmentBenchOptions = {}): Promise<AugmentBenchRow[]> {
  const { batchSize = 256, iterations = 10, warmup = 3, trainStep = true } = options;
  const log = options.log ?? (() => {});
  const rows: AugmentBenchRow[] = [];
  for (const backend of options.backends ?? ['cpu', 'wasm', 'webgpu']) {
    try {
      await initBackend({ backend, strict: true });
    } catch (err) {
      log(`skip ${backend}: ${err instanceof Error ? err.message.split('\n').join(' ') : err}`);
      continue;
    }
    for (const { shape, stats } of INPUTS) {
      const [h, w, c] = shape;
      const data = new Rng(1);
      const x = tensor(
        data.fill(batchSize * h * w * c, () => data.uniform()),
        [batchSize, h, w, c],
      ) as Tensor4D;
      const pipeline = defaultTrainPipeline({ stats });
      const rng = new Rng(2);
      const augmentMs = await time(() => pipeline(x, rng), warmup, iterations);
      const row: AugmentBenchRow = {
        backend,
        input: `${h}x${w}x${c}`,
        batchSize,
        augmentMs,
        imagesPerSecond: (1000 * batchSize) / augmentMs,
      };
      if (trainStep) {
        const model = smallCnn(h, w, c);
        const y = tensor1d(
          Int32Array.from({ length: batchSize }, (_, i) => i % 10),
          'int32',
        );
        const step = () => {
          const { loss, grads } = valueAndGrads(model, () => crossEntropy(model.call(x), y));
          sgdStep(model, grads, 0.01);
          dispose(grads);
          return loss;
        };
        try {
          row.trainStepMs = await time(step, warmup, iterations);
          row.ratio = augmentMs / row.trainStepMs;
        } catch (err) {
          log(`${backend}: no training-step timing: ${err instanceof Error ? err.message : err}`);
        }
        model.dispose();
        y.dispose();
      }
      x.dispose();
      rows.push(row);
      log(formatAugmentBench([row], false));
    }
  }
  return rows;
}

/** A Markdown table of the rows. */
export function formatAugmentBench(rows: AugmentBenchRow[], header = true): string {
  const head = [
    '| backend | input | batch | augment ms/batch | images/s | CNN train step ms | augment / step |',
    '|---|---|---|---|---|---|---|',
  ];
  const body = rows.map(
    (r) =>
      `| ${r.backend} | ${r.input} | ${r.batchSize} | ${r.augmentMs.toFixed(1)} | ${Math.round(r.imagesPerSecond)} | ` +
      `${r.trainStepMs?.toFixed(1) ?? '–'} | ${r.ratio === undefined ? '–' : `${(100 * r.ratio).toFixed(0)}%`} |`,
  );
  return [...(header ? head : []), ...body].join('\n');
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === resolve(process.argv[1]);
if (isMain) {
  const { values } = parseArgs({
    options: {
      backends: { type: 'string' },
      iterations: { type: 'string' },
      'batch-size': { type: 'string' },
    },
  });
  benchAugment({
    backends: values.backends?.split(','),
    iterations: values.iterations ? Number(values.iterations) : undefined,
    batchSize: values['batch-size'] ? Number(values['batch-size']) : undefined,
    log: (line) => console.error(line),
  }).then(
    (rows) => {
      console.log(formatAugmentBench(rows));
      process.exit(0);
    },
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
