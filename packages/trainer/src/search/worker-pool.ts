import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { InitBackendOptions } from '@convkit/backend';
import Tinypool from 'tinypool';
import type { PoolReply, PoolTask } from '../pool-worker';
import { errorMessage, type TrialOutcome, type TrialRunner, type TrialSpec } from './runner';

/** Options of {@link WorkerPoolRunner}. */
export interface WorkerPoolOptions {
  /**
   * The module that exports the trial function (a path, or a `file:` URL): each worker imports it.
   * Functions cannot be sent to a thread, so the trial lives in a file — plain JavaScript (or
   * anything Node can import as it runs). Default: `@convkit/trainer/node`'s own, with `fitTrial`.
   */
  module?: string | URL;
  /** The trial function's export name. Default `'fitTrial'` (with the default module), else `'default'`. */
  exportName?: string;
  /**
   * JSON sent to each worker; when given, the export is a factory called once per worker with it,
   * `trial = module[exportName](trialOptions)` — as `fitTrial({ model, data, … })`. The default
   * module needs it: `fitTrial`'s options.
   */
  trialOptions?: unknown;
  /** Worker threads, each running one trial at a time. Default: the cores (`os.availableParallelism()`). */
  workers?: number;
  /**
   * What each worker starts: `initBackend`'s options (`backend`, `preference`, `strict`, `wasmPaths`,
   * `allowSoftwareGpu`, `wasmThreads`). `wasmThreads` defaults to max(1, ⌊cores / workers⌋), so the
   * workers together use each core once instead of each spreading over all of them.
   */
  backend?: Omit<InitBackendOptions, 'warn' | 'registry'>;
  /** A fresh worker (and backend) for every trial instead of one per worker reused. Default false. */
  isolate?: boolean;
}

/** dist/pool-worker.js: beside this module in the build, else the built package's (tests run the sources). */
function workerFile(): string {
  const here = fileURLToPath(import.meta.url);
  const beside = join(dirname(here), 'pool-worker.js');
  if (existsSync(beside)) return beside;
  let pkg: string | undefined;
  try {
    pkg = createRequire(here).resolve('@convkit/trainer/package.json');
  } catch {}
  const built = pkg === undefined ? undefined : join(dirname(pkg), 'dist', 'pool-worker.js');
  if (built !== undefined && existsSync(built)) return built;
  throw new Error(
    `WorkerPoolRunner: the worker script pool-worker.js was not found (looked beside ${here}${
      built === undefined ? '' : ` and at ${built}`
    }): build @convkit/trainer first (pnpm build)`,
  );
}

/** The default trial module: this package's built Node entry, which exports `fitTrial`. */
function defaultModule(): string {
  return pathToFileURL(join(dirname(workerFile()), 'node.js')).href;
}

function moduleUrl(module: string | URL): string {
  if (module instanceof URL) return module.href;
  return module.startsWith('file:') ? module : pathToFileURL(module).href;
}

/**
 * Runs trials in parallel in worker threads (a [tinypool](https://github.com/tinylibs/tinypool)
 * pool), each worker with its own backend: `initBackend` inside the worker, tfjs's engine, kernels
 * and tensors all its own. On wasm this is how a search uses every core; threads inside one backend
 * (`wasmThreads`) speed up big convolutions, workers speed up everything, including the JavaScript
 * between ops, the batching and the small layers. Trials are sent as JSON (parameters, seed,
 * epochs) and the trial function is imported by each worker from `module`. Node only.
 *
 * Results are the same as in-process on a deterministic backend (cpu, wasm): a trial depends on its
 * parameters and seed, not on where it runs. Call `close()` when done.
 *
 * @example
 * const runner = new WorkerPoolRunner({ module: new URL('./my-trial.js', import.meta.url), workers: 2,
 *   backend: { backend: 'wasm' } });
 * const result = await randomSearch(space, runner, { trials: 16, epochs: 2 });
 * await runner.close();
 */
export class WorkerPoolRunner implements TrialRunner {
  readonly specificationVersion = 1 as const;
  readonly workers: number;
  readonly module: string;
  readonly exportName: string;
  readonly backend: Omit<InitBackendOptions, 'warn' | 'registry'>;
  readonly trialOptions: unknown;
  /** Each worker's backend, as `formatReport`'s first line, by worker ('worker 3' → 'backend: wasm (SIMD on, 1 thread)'). */
  readonly backends = new Map<string, string>();
  private pool: Tinypool | undefined;
  private readonly isolate: boolean;

  constructor(options: WorkerPoolOptions = {}) {
    if (options.module === undefined && options.trialOptions === undefined) {
      throw new Error(
        'WorkerPoolRunner: the default trial is fitTrial, which needs trialOptions ({ model, data, … }); or pass your own module',
      );
    }
    const cores = os.availableParallelism();
    const workers = options.workers ?? cores;
    if (!Number.isInteger(workers) || workers < 1) {
      throw new Error(`WorkerPoolRunner: workers must be an integer ≥ 1, got ${workers}`);
    }
    this.workers = workers;
    this.module = options.module === undefined ? defaultModule() : moduleUrl(options.module);
    this.exportName = options.exportName ?? (options.module === undefined ? 'fitTrial' : 'default');
    this.backend = { wasmThreads: Math.max(1, Math.floor(cores / workers)), ...options.backend };
    this.isolate = options.isolate ?? false;
    this.trialOptions = options.trialOptions;
  }

  private start(): Tinypool {
    this.pool ??= new Tinypool({
      filename: pathToFileURL(workerFile()).href,
      minThreads: this.workers,
      maxThreads: this.workers,
      isolateWorkers: this.isolate,
    });
    return this.pool;
  }

  async *run(
    trials: readonly TrialSpec[],
    options: { signal?: AbortSignal } = {},
  ): AsyncIterable<TrialOutcome> {
    const pool = this.start();
    const done: TrialOutcome[] = [];
    let failure: Error | undefined;
    let wake: (() => void) | undefined;
    let pending = trials.length;
    for (const spec of trials) {
      const task: PoolTask = {
        module: this.module,
        exportName: this.exportName,
        backend: this.backend,
        spec,
        ...(this.trialOptions === undefined ? {} : { trialOptions: this.trialOptions }),
      };
      (pool.run(task, { signal: options.signal }) as Promise<PoolReply>)
        .then((reply) => {
          if ('fatal' in reply) failure ??= new Error(`WorkerPoolRunner: ${reply.fatal}`);
          else {
            if (reply.outcome.worker !== undefined) this.backends.set(reply.outcome.worker, reply.backend);
            done.push(reply.outcome);
          }
        })
        .catch((err: unknown) => {
          // Aborted tasks are dropped; a worker that died (out of memory, a crash) fails its trial.
          if (!options.signal?.aborted)
            done.push({ id: spec.id, error: `worker failed: ${errorMessage(err)}`, seconds: 0 });
        })
        .finally(() => {
          pending--;
          wake?.();
        });
    }
    while (pending > 0 || done.length > 0) {
      if (failure !== undefined) throw failure;
      const next = done.shift();
      if (next !== undefined) {
        yield next;
        continue;
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
    if (failure !== undefined) throw failure;
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await pool?.destroy();
  }
}
