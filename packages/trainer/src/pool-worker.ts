// The worker side of WorkerPoolRunner (src/search/worker-pool.ts): a tinypool task that starts this
// worker's own backend once, imports the trial module once, and runs one trial per task. Built to
// dist/pool-worker.js; nothing imports it, tinypool loads it by path.
import { threadId } from 'node:worker_threads';
import { formatReport, type InitBackendOptions, initBackend } from '@convkit/backend';
import { errorMessage, runTrial, type Trial, type TrialOutcome, type TrialSpec } from './search/runner';

/** What the runner sends with each trial. */
export interface PoolTask {
  /** A file URL of the module holding the trial function. */
  module: string;
  /** The trial function's export name. */
  exportName: string;
  /** When set, the export is a factory: `trial = module[exportName](trialOptions)`, once per worker. */
  trialOptions?: unknown;
  backend: Omit<InitBackendOptions, 'warn' | 'registry'>;
  spec: TrialSpec;
}

/** A trial's outcome, or why this worker cannot run trials at all. */
export type PoolReply = { outcome: TrialOutcome; backend: string } | { fatal: string };

let started: Promise<string> | undefined;
const trials = new Map<string, Promise<Trial>>();

async function loadTrial(module: string, exportName: string, trialOptions: unknown): Promise<Trial> {
  const mod = (await import(module)) as Record<string, unknown>;
  const exported = mod[exportName];
  if (typeof exported !== 'function') {
    const found = Object.keys(mod).filter((k) => typeof mod[k] === 'function');
    throw new Error(
      `${module} has no function export '${exportName}' (functions exported: ${found.join(', ') || 'none'})`,
    );
  }
  if (trialOptions === undefined) return exported as Trial;
  const trial = (exported as (options: unknown) => unknown)(trialOptions);
  if (typeof trial !== 'function') {
    throw new Error(`${module}: ${exportName}(trialOptions) did not return a trial function`);
  }
  return trial as Trial;
}

export default async function runPoolTask(task: PoolTask): Promise<PoolReply> {
  let backend: string;
  let trial: Trial;
  try {
    // One backend per worker: started by the first task, reused by the next ones.
    started ??= initBackend({ ...task.backend, warn: () => {} }).then(
      (r) => formatReport(r).split('\n')[0] ?? '',
    );
    backend = await started;
    const key = `${task.module}#${task.exportName}#${JSON.stringify(task.trialOptions)}`;
    if (!trials.has(key)) trials.set(key, loadTrial(task.module, task.exportName, task.trialOptions));
    trial = await (trials.get(key) as Promise<Trial>);
  } catch (err) {
    return { fatal: `worker ${threadId}: ${errorMessage(err)}` };
  }
  const outcome = await runTrial(trial, task.spec);
  return { outcome: { ...outcome, worker: `worker ${threadId}` }, backend };
}
