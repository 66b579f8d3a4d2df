import type { Params } from './space';

/** What a trial reports: the validation metrics the search ranks by, and whatever else is worth keeping. */
export interface TrialResult {
  /** Validation accuracy in [0, 1] after the trial's last epoch (or its best: the trial decides). */
  valAccuracy: number;
  /** Validation loss, the tie-breaker. */
  valLoss: number;
  /** The trial's training history (JSON), e.g. `fit`'s `history`; kept as is in the results. */
  history?: unknown;
  /** Any other numbers the trial measured (train loss, epochs run, …). */
  metrics?: Record<string, number>;
}

/** Where a trial stands in the search, passed to the trial function. */
export interface TrialContext {
  /** The trial's number, 0-based, unique within the search (coarse trials first). */
  id: number;
  stage: 'coarse' | 'fine';
  /** The seed for everything random in the trial (initialization, data order, augmentation). */
  seed: number;
  /** How many epochs to train. */
  epochs: number;
  /** Aborted when the search is stopped: a long trial may check it between epochs. */
  signal?: AbortSignal;
}

/**
 * A trial: trains with `params` and reports validation metrics. Any training can be searched this
 * way; `fitTrial` is a ready one. Throwing (a diverged loss, say) marks the trial failed: the search
 * records the message and goes on.
 */
export type Trial<P extends Params = Params> = (params: P, context: TrialContext) => Promise<TrialResult>;

/** One trial to run: its parameters and context, without the signal (a runner supplies its own). */
export interface TrialSpec {
  id: number;
  stage: 'coarse' | 'fine';
  params: Params;
  seed: number;
  epochs: number;
}

/** A finished trial, as a runner yields it: a result or an error, and its wall time. */
export interface TrialOutcome {
  id: number;
  result?: TrialResult;
  /** The error's message, when the trial threw. */
  error?: string;
  /** Wall-clock seconds the trial took where it ran. */
  seconds: number;
  /** Where it ran, e.g. 'main' or 'worker 3'. */
  worker?: string;
}

/**
 * Runs trials somewhere: in this process, in a pool of worker threads, or (yours) on other machines
 * through a queue. `run` yields each trial's outcome as it finishes, in any order, and ends when all
 * have; a trial that throws is an outcome with `error`, not a rejection. A runner that cannot run at
 * all (its workers fail to start) rejects. `close` frees its resources; `randomSearch` does not
 * close a runner it was given.
 */
export interface TrialRunner {
  readonly specificationVersion: 1;
  run(trials: readonly TrialSpec[], options?: { signal?: AbortSignal }): AsyncIterable<TrialOutcome>;
  close(): Promise<void>;
}

/** The message of anything thrown. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Runs a trial once and times it; never rejects (an error becomes the outcome's `error`). Shared by the
 * in-process runner and the pool's workers.
 */
export async function runTrial(trial: Trial, spec: TrialSpec, signal?: AbortSignal): Promise<TrialOutcome> {
  const start = performance.now();
  const { params, ...context } = spec;
  try {
    const result = await trial(params, { ...context, signal });
    checkResult(result);
    return { id: spec.id, result, seconds: (performance.now() - start) / 1000 };
  } catch (err) {
    return { id: spec.id, error: errorMessage(err), seconds: (performance.now() - start) / 1000 };
  }
}

function checkResult(result: TrialResult): void {
  if (typeof result !== 'object' || result === null) {
    throw new Error(`the trial must resolve to { valAccuracy, valLoss }, got ${String(result)}`);
  }
  for (const key of ['valAccuracy', 'valLoss'] as const) {
    if (typeof result[key] !== 'number') {
      throw new Error(`the trial's result has no number '${key}' (got ${JSON.stringify(result[key])})`);
    }
  }
}

/**
 * Runs trials one after the other in this process, on the backend already started here. The
 * simplest runner, and the one for the browser; `WorkerPoolRunner` (`@convkit/trainer/node`) runs
 * them in parallel.
 *
 * @example
 * const runner = new InProcessRunner(async (params, { seed, epochs }) => ({ valAccuracy: 0.9, valLoss: 0.3 }));
 */
export class InProcessRunner implements TrialRunner {
  readonly specificationVersion = 1 as const;

  constructor(readonly trial: Trial) {}

  async *run(
    trials: readonly TrialSpec[],
    options: { signal?: AbortSignal } = {},
  ): AsyncIterable<TrialOutcome> {
    for (const spec of trials) {
      if (options.signal?.aborted) return;
      yield { ...(await runTrial(this.trial, spec, options.signal)), worker: 'main' };
    }
  }

  async close(): Promise<void> {}
}
