// The parallel-search speed-up (search.ts): its markdown section of RESULTS.md, in the hand-written part.
import { median } from './measure';

export const START = '<!-- search-speedup:start -->';
export const END = '<!-- search-speedup:end -->';

/** A way to run the trials: P workers, each with its own wasm backend on T threads. */
export interface PoolConfig {
  workers: number;
  threads: number;
}

export const configName = (c: PoolConfig) =>
  `${c.workers} worker${c.workers > 1 ? 's' : ''} × ${c.threads} thread${c.threads > 1 ? 's' : ''}`;

/**
 * One workload's timings per config and round: `startup`, the pool's start with one warm-up trial per
 * worker (backend started, data loaded in the worker); `seconds`, the wall time of the trials after
 * it; `trialSeconds`, each trial's own time in its worker.
 */
export interface SearchBenchResult {
  /** e.g. 'mnist_cnn, 4 trials of 1 epoch on 1024 MNIST images (batch 64), validation on 512'. */
  workload: string;
  trials: number;
  configs: { config: PoolConfig; startup: number[]; seconds: number[]; trialSeconds: number[] }[];
}

export interface SearchBenchReport {
  machine: string;
  command: string;
  rounds: number;
  results: SearchBenchResult[];
  notes: string[];
}

const fmt = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));

/** Median of the per-round ratios baseline / x, with their range. */
function speedup(base: readonly number[], x: readonly number[]): string {
  const ratios = x.map((s, i) => (base[i] ?? Number.NaN) / s);
  return `${median(ratios).toFixed(2)}× (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`;
}

/**
 * The section: per workload and config, the median start-up (pool, backends, data, one warm-up trial
 * per worker), the median wall time of the trials after it, trials per minute, the median time of one
 * trial in its worker, and the speed-up against the first config (the baseline: 1 worker on every
 * core) — of the trials, and of the whole run with its start-up — each the median of the per-round
 * ratios with their range.
 */
export function searchMarkdown(r: SearchBenchReport): string {
  const out: string[] = [
    START,
    '## Parallel random search: trials in worker threads (wasm)',
    '',
    r.machine,
    '',
    `\`${r.command}\`: ${r.rounds} interleaved rounds (each round runs every configuration once, the order`,
    'rotated per round). Each run is a fresh `WorkerPoolRunner` running the same trials of `fitTrial`:',
    'first one warm-up trial per worker (the worker starts its wasm backend and loads the data: "start-up"),',
    'then the timed trials ("trials"). Speed-up: the baseline\'s time / the configuration\'s, median of the',
    'per-round ratios (min–max), for the trials alone and for the whole run (start-up + trials).',
    '',
  ];
  for (const w of r.results) {
    const base = w.configs[0];
    const total = (c: SearchBenchResult['configs'][number]) =>
      c.seconds.map((s, i) => s + (c.startup[i] ?? 0));
    out.push(`**${w.workload}**`, '');
    out.push(
      '| configuration | start-up s | trials s | trials / min | s per trial | speed-up, trials | speed-up, whole run |',
    );
    out.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const c of w.configs) {
      const wall = median(c.seconds);
      const isBase = c === base || base === undefined;
      out.push(
        `| ${configName(c.config)} | ${fmt(median(c.startup))} | ${fmt(wall)} | ${fmt((60 * w.trials) / wall)} | ${fmt(
          median(c.trialSeconds),
        )} | ${isBase ? '1 (baseline)' : speedup(base.seconds, c.seconds)} | ${
          isBase ? '1 (baseline)' : speedup(total(base), total(c))
        } |`,
      );
    }
    out.push('');
  }
  for (const n of r.notes) out.push(`- ${n}`);
  out.push('', END);
  return out.join('\n');
}

/** `markdown` with its search section replaced by `section` (appended, in the hand-written part, when absent). */
export function replaceSearchSection(markdown: string, section: string): string {
  const a = markdown.indexOf(START);
  const b = markdown.indexOf(END);
  if (a < 0 || b < a) return `${markdown.trimEnd()}\n\n${section}\n`;
  return `${markdown.slice(0, a)}${section}${markdown.slice(b + END.length)}`;
}
