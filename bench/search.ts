// The parallel random-search speed-up: the same trials of @convkit/trainer's `fitTrial` run by a
// WorkerPoolRunner with 1 worker on every core (wasm threads) — what one process does — and with
// P workers × T wasm threads, in interleaved rounds. Writes its section of RESULTS.md (between the
// search-speedup markers, in the hand-written part; `pnpm bench` keeps it).
//   pnpm bench:search                         # from the repository root (needs `pnpm build`)
//   tsx search.ts --rounds 2 --no-write       # in bench/
// Options: --rounds (3), --trials (4), --limit (1024 training images), --models (mnist_cnn,resnet20_mnist),
// --no-write. On a machine other jobs keep busy the figures are noisy: the rounds are interleaved so
// that the configurations share the noise, and the per-round ratios are shown with their range.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { TrialOutcome, TrialSpec } from '@convkit/trainer';
import { WorkerPoolRunner } from '@convkit/trainer/node';
import { machineInfo } from './src/report';
import {
  configName,
  type PoolConfig,
  replaceSearchSection,
  type SearchBenchResult,
  searchMarkdown,
} from './src/search-report';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    trials: { type: 'string', default: '4' },
    limit: { type: 'string', default: '1024' },
    models: { type: 'string', default: 'mnist_cnn,resnet20_mnist' },
    'no-write': { type: 'boolean', default: false },
  },
});
const rounds = Number(values.rounds);
const trials = Number(values.trials);
const limit = Number(values.limit);
const cores = availableParallelism();
const log = (s: string) => process.stderr.write(`${s}\n`);

// The baseline first: one worker using every core through wasm threads, as one process would.
const configs: PoolConfig[] = [
  { workers: 1, threads: cores },
  { workers: 1, threads: 1 },
  { workers: cores, threads: 1 },
  { workers: cores, threads: cores },
].filter((c, i, all) => all.findIndex((d) => d.workers === c.workers && d.threads === c.threads) === i);

/** The trials: the same fixed learning rates for every configuration (a search's coarse stage). */
const specs: TrialSpec[] = Array.from({ length: trials }, (_, id) => ({
  id,
  stage: 'coarse',
  params: { lr: 10 ** (-3.5 + (2 * id) / Math.max(1, trials - 1)) },
  seed: 0,
  epochs: 1,
}));

/**
 * One run: a fresh pool; one warm-up trial per worker (not timed in `seconds`: each worker starts its
 * backend and loads the data there), then the trials, timed.
 */
async function runOnce(
  model: string,
  config: PoolConfig,
): Promise<{ startup: number; seconds: number; trialSeconds: number[] }> {
  const start = performance.now();
  const runner = new WorkerPoolRunner({
    workers: config.workers,
    backend: { backend: 'wasm', strict: true, wasmThreads: config.threads },
    trialOptions: {
      model,
      data: { data: 'mnist', limit, valLimit: 512 },
      batchSize: 64,
      optimizer: 'AdamW',
      history: 'none',
    },
  });
  const run = async (list: TrialSpec[]) => {
    const outcomes: TrialOutcome[] = [];
    for await (const o of runner.run(list)) outcomes.push(o);
    const failed = outcomes.find((o) => o.error !== undefined);
    if (failed) throw new Error(`trial ${failed.id} failed: ${failed.error}`);
    return outcomes;
  };
  try {
    await run(Array.from({ length: config.workers }, (_, i) => ({ ...specs[0], id: 1000 + i }) as TrialSpec));
    const warm = performance.now();
    const outcomes = await run(specs);
    return {
      startup: (warm - start) / 1000,
      seconds: (performance.now() - warm) / 1000,
      trialSeconds: outcomes.map((o) => o.seconds),
    };
  } finally {
    await runner.close();
  }
}

const loadAtStart = loadavg()[0];
const started = performance.now();
const results: SearchBenchResult[] = [];
for (const model of (values.models as string).split(',')) {
  const result: SearchBenchResult = {
    workload: `${model}: ${trials} trials of 1 epoch on ${limit} MNIST images (batch 64, AdamW), validation on 512`,
    trials,
    configs: configs.map((config) => ({ config, startup: [], seconds: [], trialSeconds: [] })),
  };
  for (let r = 0; r < rounds; r++) {
    // Rotate the order each round, so no configuration always runs first (or after the same one).
    for (let k = 0; k < configs.length; k++) {
      const i = (k + r) % configs.length;
      const entry = result.configs[i];
      if (entry === undefined) continue;
      const t = await runOnce(model, entry.config);
      entry.startup.push(t.startup);
      entry.seconds.push(t.seconds);
      entry.trialSeconds.push(...t.trialSeconds);
      log(
        `${model} round ${r + 1}/${rounds}: ${configName(entry.config)}: start-up ${t.startup.toFixed(1)} s, trials ${t.seconds.toFixed(1)} s`,
      );
    }
  }
  results.push(result);
}

const m = machineInfo(loadAtStart);
const section = searchMarkdown({
  machine: `${m.cpu}, ${m.cores} cores, Node ${m.node}, ${m.date.slice(0, 10)}; load average ${m.load[0].toFixed(1)} at the start, ${m.load[1].toFixed(1)} at the end; ${((performance.now() - started) / 60000).toFixed(1)} min in all.`,
  command: `pnpm bench:search -- --rounds ${rounds} --trials ${trials} --limit ${limit}`,
  rounds,
  results,
  notes: [
    `Each worker is a worker thread with its own tfjs engine and wasm backend (\`initBackend\` in the worker, \`wasmThreads\` as in the row); \`convkit search --workers ${cores}\` and \`new WorkerPoolRunner({ workers: ${cores} })\` default to ${cores} workers × max(1, ⌊${cores} / ${cores}⌋) = 1 thread on this machine.`,
    'The machine is shared with other jobs: figures move from run to run; the interleaving makes the ratios steadier than the times.',
  ],
});
console.log(section);
if (!values['no-write']) {
  const file = join(here, 'RESULTS.md');
  writeFileSync(file, replaceSearchSection(existsSync(file) ? readFileSync(file, 'utf8') : '', section));
  log('bench:search: written to bench/RESULTS.md');
}
