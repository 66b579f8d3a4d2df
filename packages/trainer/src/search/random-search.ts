import { Rng } from '@convkit/backend';
import {
  InProcessRunner,
  type Trial,
  type TrialOutcome,
  type TrialResult,
  type TrialRunner,
  type TrialSpec,
} from './runner';
import { checkSpace, type Params, type SearchSpace, sampleSpace, shrinkSpace } from './space';

/** The fine stage of {@link randomSearch}. */
export interface FineStageOptions {
  /** Trials sampled in the shrunk space. */
  trials: number;
  /** Epochs per fine trial. Default: the coarse stage's (the lecture's step 5 trains longer: raise it). */
  epochs?: number;
  /** How many of the best coarse trials the fine ranges span. Default 3. */
  topK?: number;
  /** Padding of each fine range on both sides, as a fraction of the coarse range's width (on its sampling scale). Default 0.1. */
  margin?: number;
}

/** Options of {@link randomSearch}. */
export interface RandomSearchOptions {
  /** Coarse trials, sampled in the whole space. */
  trials: number;
  /** Epochs per coarse trial (the lecture: 1 to 5). */
  epochs: number;
  /** The fine stage, around the best coarse trials; omitted or `false`: coarse only. */
  fine?: FineStageOptions | false;
  /** Seeds the sampling of every trial's parameters, and (by default) every trial's training. Default 0. */
  seed?: number;
  /**
   * `'same'` (default): every trial trains with `seed`, so trials differ by their hyperparameters only
   * (common random numbers: a fairer comparison with few trials). `'per-trial'`: trial i trains with
   * `seed + 1 + i`, to see the spread a seed alone causes.
   */
  trialSeeds?: 'same' | 'per-trial';
  /** What ranks trials: highest `valAccuracy` (default; ties by lower `valLoss`) or lowest `valLoss`. */
  metric?: 'valAccuracy' | 'valLoss';
  /** Called as each trial finishes (in the order they finish), e.g. to print progress. */
  onTrial?: (record: TrialRecord, progress: { done: number; total: number }) => void;
  /** Stops the search: trials not started are not run, the fine stage is skipped, `stopped` is true. */
  signal?: AbortSignal;
}

/** One trial in the results: what it ran with and what it measured. JSON-safe (NaN becomes null). */
export interface TrialRecord {
  id: number;
  stage: 'coarse' | 'fine';
  params: Params;
  seed: number;
  epochs: number;
  /** null when the trial failed or measured NaN. */
  valAccuracy: number | null;
  valLoss: number | null;
  metrics?: Record<string, number | null>;
  history?: unknown;
  /** Why the trial failed (its error's message). */
  error?: string;
  seconds: number;
  worker?: string;
}

/** What {@link randomSearch} returns: plain JSON, `JSON.stringify` it as it is. */
export interface SearchResult {
  version: 1;
  kind: 'convkit-search';
  seed: number;
  metric: 'valAccuracy' | 'valLoss';
  /** The coarse space, and the fine stage's shrunk one (null without a fine stage). */
  space: SearchSpace;
  fineSpace: SearchSpace | null;
  /** The best coarse trials' ids the fine space spans. */
  fineAround: number[];
  /** Every trial, by id (coarse first). */
  trials: TrialRecord[];
  /** The best trial's id over both stages, null when every trial failed. */
  best: number | null;
  /** Wall-clock seconds of the whole search. */
  seconds: number;
  stopped: boolean;
}

function positiveInt(name: string, value: unknown): number {
  if (!Number.isInteger(value) || (value as number) < 1) {
    throw new Error(`randomSearch: ${name} must be an integer ≥ 1, got ${String(value)}`);
  }
  return value as number;
}

function finiteOrNull(x: unknown): number | null {
  return typeof x === 'number' && Number.isFinite(x) ? x : null;
}

function toRecord(spec: TrialSpec, outcome: TrialOutcome): TrialRecord {
  const r: TrialResult | undefined = outcome.result;
  const record: TrialRecord = {
    ...spec,
    valAccuracy: finiteOrNull(r?.valAccuracy),
    valLoss: finiteOrNull(r?.valLoss),
    seconds: outcome.seconds,
  };
  if (r?.metrics !== undefined) {
    record.metrics = Object.fromEntries(Object.entries(r.metrics).map(([k, v]) => [k, finiteOrNull(v)]));
  }
  if (r?.history !== undefined) record.history = r.history;
  if (outcome.error !== undefined) record.error = outcome.error;
  else if (r !== undefined && record.valAccuracy === null && record.valLoss === null) {
    record.error = 'the trial measured NaN';
  }
  if (outcome.worker !== undefined) record.worker = outcome.worker;
  return record;
}

/**
 * Sorts trial records best first: highest validation accuracy (ties: lowest validation loss), or
 * lowest loss with `metric: 'valLoss'`; failed trials last, in id order. Does not modify `records`.
 */
export function rankTrials(
  records: readonly TrialRecord[],
  metric: 'valAccuracy' | 'valLoss' = 'valAccuracy',
): TrialRecord[] {
  const key = (r: TrialRecord): [number, number] => {
    const acc = r.valAccuracy ?? Number.NEGATIVE_INFINITY;
    const loss = r.valLoss ?? Number.POSITIVE_INFINITY;
    return metric === 'valAccuracy' ? [-acc, loss] : [loss, -acc];
  };
  const failed = (r: TrialRecord) =>
    r.error !== undefined || (metric === 'valLoss' ? r.valLoss : r.valAccuracy) === null;
  return [...records].sort((a, b) => {
    const fa = failed(a);
    const fb = failed(b);
    if (fa !== fb) return fa ? 1 : -1;
    const [a0, a1] = key(a);
    const [b0, b1] = key(b);
    return a0 - b0 || a1 - b1 || a.id - b.id;
  });
}

async function runStage(
  runner: TrialRunner,
  specs: TrialSpec[],
  options: RandomSearchOptions,
  progress: { done: number; total: number },
): Promise<TrialRecord[]> {
  const byId = new Map(specs.map((s) => [s.id, s]));
  const records: TrialRecord[] = [];
  for await (const outcome of runner.run(specs, { signal: options.signal })) {
    const spec = byId.get(outcome.id);
    if (spec === undefined)
      throw new Error(`randomSearch: the runner returned an unknown trial id ${outcome.id}`);
    byId.delete(outcome.id);
    const record = toRecord(spec, outcome);
    records.push(record);
    progress.done++;
    options.onTrial?.(record, { ...progress });
  }
  if (byId.size > 0 && !options.signal?.aborted) {
    throw new Error(`randomSearch: the runner ended without trials ${[...byId.keys()].join(', ')}`);
  }
  return records.sort((a, b) => a.id - b.id);
}

/**
 * Random search, coarse then fine (the lecture's steps 4 and 5): `trials` points sampled in the whole
 * space, each trained for `epochs`, then `fine.trials` points sampled in the space shrunk around the
 * `fine.topK` best coarse trials (each range to their span, padded by `fine.margin` of its width, on
 * the log scale for log-uniform parameters; a choice keeps the values they had).
 *
 * Why random and not a grid (Bergstra & Bengio, JMLR 2012): usually only a few hyperparameters
 * matter. A 3×3 grid over (lr, dropout) tries 3 learning rates in 9 trials; 9 random trials try 9, so
 * the one that matters is explored 3× more finely for the same budget.
 *
 * Reproducible: the parameters depend only on `seed` (and, for the fine stage, on which coarse
 * trials came out best), so on a deterministic backend (cpu, wasm) the same call gives the same
 * results, whatever the runner and the order trials finish in. `trial` is a function (run here, one
 * trial at a time) or a {@link TrialRunner} (e.g. `WorkerPoolRunner` of `@convkit/trainer/node`,
 * trials in parallel); a runner given here is not closed. A trial that throws is recorded with its
 * error and ranked last; the search goes on.
 *
 * @example
 * const result = await randomSearch(
 *   { lr: logUniform(1e-4, 1e-1), weightDecay: logUniform(1e-6, 1e-2) },
 *   async ({ lr, weightDecay }, { seed, epochs }) => myTraining({ lr, weightDecay, seed, epochs }),
 *   { trials: 12, epochs: 2, fine: { trials: 6, epochs: 4 }, seed: 0 },
 * );
 * result.trials[result.best!].params; // { lr: 0.0031…, weightDecay: 2.1e-5 }
 * writeFileSync('search.json', JSON.stringify(result));
 */
export async function randomSearch(
  space: SearchSpace,
  trial: Trial | TrialRunner,
  options: RandomSearchOptions,
): Promise<SearchResult> {
  const start = performance.now();
  checkSpace(space);
  const coarseCount = positiveInt('trials', options.trials);
  const epochs = positiveInt('epochs', options.epochs);
  const fine = options.fine === false || options.fine === undefined ? undefined : options.fine;
  const fineCount = fine === undefined ? 0 : positiveInt('fine.trials', fine.trials);
  const fineEpochs = fine?.epochs === undefined ? epochs : positiveInt('fine.epochs', fine.epochs);
  const topK = fine?.topK === undefined ? 3 : positiveInt('fine.topK', fine.topK);
  const margin = fine?.margin ?? 0.1;
  if (!(margin >= 0 && margin <= 1))
    throw new Error(`randomSearch: fine.margin must be in [0, 1], got ${margin}`);
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed)) throw new Error(`randomSearch: seed must be an integer, got ${seed}`);
  const metric = options.metric ?? 'valAccuracy';
  if (metric !== 'valAccuracy' && metric !== 'valLoss') {
    throw new Error(`randomSearch: metric must be 'valAccuracy' or 'valLoss', got '${String(metric)}'`);
  }
  const trialSeed = (id: number) => (options.trialSeeds === 'per-trial' ? seed + 1 + id : seed);

  // Two independent streams, so the fine stage's draws do not depend on how many coarse trials ran.
  const root = new Rng(seed);
  const coarseRng = root.fork();
  const fineRng = root.fork();
  const runner: TrialRunner = typeof trial === 'function' ? new InProcessRunner(trial) : trial;
  const progress = { done: 0, total: coarseCount + fineCount };

  const coarseSpecs: TrialSpec[] = Array.from({ length: coarseCount }, (_, id) => ({
    id,
    stage: 'coarse',
    params: sampleSpace(space, coarseRng),
    seed: trialSeed(id),
    epochs,
  }));
  const trials = await runStage(runner, coarseSpecs, options, progress);

  let fineSpace: SearchSpace | null = null;
  let fineAround: number[] = [];
  const ranked = rankTrials(trials, metric).filter((r) => r.error === undefined);
  if (fine !== undefined && !options.signal?.aborted && ranked.length > 0) {
    const around = ranked.slice(0, topK);
    fineAround = around.map((r) => r.id);
    fineSpace = shrinkSpace(
      space,
      around.map((r) => r.params),
      margin,
    );
    const fineSpecs: TrialSpec[] = Array.from({ length: fineCount }, (_, i) => ({
      id: coarseCount + i,
      stage: 'fine',
      params: sampleSpace(fineSpace as SearchSpace, fineRng),
      seed: trialSeed(coarseCount + i),
      epochs: fineEpochs,
    }));
    trials.push(...(await runStage(runner, fineSpecs, options, progress)));
  }
  const best = rankTrials(trials, metric)[0];
  return {
    version: 1,
    kind: 'convkit-search',
    seed,
    metric,
    space,
    fineSpace,
    fineAround,
    trials,
    best: best !== undefined && best.error === undefined ? best.id : null,
    seconds: (performance.now() - start) / 1000,
    stopped: options.signal?.aborted ?? false,
  };
}
