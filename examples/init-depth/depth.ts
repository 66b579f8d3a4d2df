// Weight initialization versus depth (the lecture's experiment): a 30-layer MLP with tanh or ReLU,
// initialized with too-small, too-large, Xavier and Kaiming weights. Prints per-layer statistics and
// writes two SVG plots: activation std and gradient std versus depth.
//   pnpm start                                  # from examples/init-depth
//   tsx depth.ts --backend wasm --out /tmp/d.svg
//   tsx depth.ts --depth 50 --width 256 --all   # every layer in the tables
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { formatReport, initBackend } from '@convkit/backend';
import { formatStatsTable, type LayerStats, type StdSeries, statsToSvg } from '@convkit/init';
import { type ConfigResult, INITS, runExperiment } from './src/experiment';

const fmt = (x: number) => x.toExponential(2);

/** One plot line: the init's color, dashed for tanh. */
function series(r: ConfigResult, value: (s: LayerStats) => number): StdSeries {
  return { label: r.label, stds: r.stats.map(value), color: INITS[r.init].color, dashed: r.act === 'tanh' };
}

const usage = `usage: tsx depth.ts [--backend webgpu|wasm|cpu] [--depth 30] [--width 64] [--batch 256] [--seed 0]
                   [--out ./init-depth.svg] [--all]
  --out  the activation-std plot; the gradient-std plot goes beside it as <name>.grad.svg
  --all  print every layer (default: layers 1, 2, 5, 10, 15, …, and the last)`;

function intArg(values: Record<string, unknown>, name: string, fallback: number): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`--${name} must be a non-negative integer, got '${raw}'\n${usage}`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      backend: { type: 'string' },
      depth: { type: 'string' },
      width: { type: 'string' },
      batch: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
      all: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  const o = {
    depth: intArg(values, 'depth', 30),
    width: intArg(values, 'width', 64),
    batch: intArg(values, 'batch', 256),
    seed: intArg(values, 'seed', 0),
  };
  const out = values.out ?? './init-depth.svg';
  const backend = values.backend ?? (process.env.CONVKIT_BACKEND || undefined);
  console.log(formatReport(await initBackend(backend === undefined ? {} : { backend, strict: true })));
  console.log(
    `MLP: ${o.depth} × (Linear ${o.width}→${o.width}, no bias → activation); batch ${o.batch} of N(0, 1)\n`,
  );

  const start = performance.now();
  const results = await runExperiment(o);
  const keep = (i: number) => values.all || i === 0 || i === o.depth - 1 || (i + 1) % 5 === 0 || i === 1;
  for (const r of results) {
    const first = r.stats[0];
    const last = r.stats[r.stats.length - 1];
    console.log(`== ${r.label}: std ${fmt(first.std)} → ${fmt(last.std)} over ${o.depth} layers`);
    console.log(formatStatsTable(r.stats.filter((_, i) => keep(i))));
    console.log();
  }
  const activationSvg = statsToSvg(
    results.map((r) => series(r, (s) => s.std)),
    {
      title: `Activation std vs depth (${o.depth}-layer MLP, width ${o.width})`,
      yLabel: 'std of activations',
    },
  );
  const gradientSvg = statsToSvg(
    results.map((r) => series(r, (s) => s.gradStd)),
    {
      title: 'Gradient std vs depth (loss = sum(y·r), r ~ N(0, 1))',
      yLabel: 'std of ∂loss/∂activation',
    },
  );
  const gradOut = out.replace(/(\.svg)?$/, '.grad.svg');
  writeFileSync(out, activationSvg);
  writeFileSync(gradOut, gradientSvg);
  console.log(`wrote ${out} and ${gradOut} (${((performance.now() - start) / 1000).toFixed(1)} s)`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
