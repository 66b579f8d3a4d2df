// The training commands of `convkit`: train, search (and recipe, in recipe-command.ts). Each parses
// nothing itself (commander did, main.ts), checks names, starts the backend, loads the data, runs,
// and writes its JSON and report.html into --out.
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatReport, initBackend } from '@convkit/backend';
import { batchCount } from '@convkit/data';
import { formatCount, listModels, modelInfo } from '@convkit/models';
import { DATASET_NAMES, type DataSpec, type LoadedData, loadDataByName } from '../data-by-name';
import { closestName } from '../did-you-mean';
import { fit } from '../fit/fit';
import type { History } from '../fit/history';
import { writeReport } from '../report/html';
import { FIT_TRIAL_PARAMS, type FitTrialOptions, fitTrial } from '../search/fit-trial';
import { randomSearch, type SearchResult, type TrialRecord } from '../search/random-search';
import type { TrialRunner } from '../search/runner';
import { logUniform, type SearchSpace } from '../search/space';
import { WorkerPoolRunner } from '../search/worker-pool';
import { buildAugment, buildModel, buildOptimizer, buildSchedule, type TrainingSettings } from '../setup';
import type { Io } from './io';
import { UsageError } from './parse';

/** The options commander gives every training command (see `trainingOptions` in main.ts). */
export interface CommonOptions extends TrainingSettings {
  model: string;
  modelWidth?: number;
  data: string;
  dataDir?: string;
  limit?: number;
  valLimit?: number;
  valFraction: number;
  imageSize?: number;
  backend?: string;
  strict?: boolean;
  wasmThreads?: number;
  batchSize: number;
  epochs: number;
  seed: number;
  maxSteps?: number;
  out: string;
  quiet?: boolean;
}

/** Checks the model and data names before anything starts: a typo is a usage error (exit code 2). */
export function checkNames(o: CommonOptions): void {
  const models = listModels();
  if (!models.includes(o.model)) {
    const hint = closestName(o.model, models);
    throw new UsageError(
      `unknown model '${o.model}'${hint ? ` (did you mean '${hint}'?)` : ''}; known: ${models.join(', ')}`,
    );
  }
  if (!(DATASET_NAMES as readonly string[]).includes(o.data) && !existsSync(o.data)) {
    const hint = closestName(o.data, DATASET_NAMES);
    throw new UsageError(
      `unknown data set '${o.data}'${hint ? ` (did you mean '${hint}'?)` : ''}: use ${DATASET_NAMES.join(', ')}, or the path of an image folder or a CIFAR-10 binary folder (no such path either)`,
    );
  }
  if (o.data === 'cifar10' && o.dataDir === undefined) {
    throw new UsageError(
      '--data cifar10 needs --data-dir: the folder cifar-10-batches-bin (or pass that folder as --data)',
    );
  }
}

/** The data spec of the command's options; image folders get the model's channels and input size. */
export function dataSpec(o: CommonOptions): DataSpec {
  const [size, , channels] = modelInfo(o.model).inputSize;
  const folder = !(DATASET_NAMES as readonly string[]).includes(o.data);
  return {
    data: o.data,
    ...(o.dataDir === undefined ? {} : { dir: o.dataDir }),
    ...(o.limit === undefined ? {} : { limit: o.limit }),
    ...(o.valLimit === undefined ? {} : { valLimit: o.valLimit }),
    ...(folder
      ? { valFraction: o.valFraction, imageSize: o.imageSize ?? size, channels: channels === 1 ? 1 : 3 }
      : {}),
    seed: o.seed,
  };
}

/** Starts the backend (the report says which runs and why others were skipped) and loads the data. */
export async function start(o: CommonOptions, io: Io): Promise<LoadedData> {
  checkNames(o);
  const report = await initBackend({
    ...(o.backend === undefined ? {} : { backend: o.backend }),
    ...(o.strict ? { strict: true } : {}),
    ...(o.wasmThreads === undefined ? {} : { wasmThreads: o.wasmThreads }),
    warn: () => {},
  });
  io.out(formatReport(report));
  const data = await loadDataByName(dataSpec(o));
  io.out(`data: ${data.description}`);
  return data;
}

/** Writes `value` as JSON into the run folder; returns its path. */
export async function writeJson(dir: string, name: string, value: unknown): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, name);
  await writeFile(path, `${JSON.stringify(value, null, 1)}\n`);
  return path;
}

/** Aborted on Ctrl-C while `fn` runs: training stops after its current step and what was done is written. */
export async function withInterrupt<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  try {
    return await fn(controller.signal);
  } finally {
    process.off('SIGINT', onSigint);
  }
}

const pct = (x: number | null | undefined) =>
  typeof x === 'number' && Number.isFinite(x) ? `${(100 * x).toFixed(2)} %` : '–';
const num = (x: unknown) => (typeof x === 'number' ? String(Number(x.toPrecision(3))) : String(x));

/** `convkit train`: fit with validation each epoch, then history.json and report.html. */
export async function trainAction(_args: unknown[], options: Record<string, unknown>, io: Io): Promise<void> {
  const o = options as unknown as CommonOptions & { labelSmoothing?: number };
  const data = await start(o, io);
  const model = buildModel(o.model, data.train, { seed: o.seed, widthMultiplier: o.modelWidth });
  io.out(`model: ${o.model}, ${formatCount(model.numParameters())} parameters`);
  const optimizer = buildOptimizer(model, o);
  let history: History;
  try {
    const steps = Math.min(
      o.maxSteps ?? Number.POSITIVE_INFINITY,
      o.epochs * batchCount(data.train, { batchSize: o.batchSize }),
    );
    const schedule = buildSchedule(optimizer, o, steps);
    const augment = o.augment ? buildAugment(o.data, data.normalize) : undefined;
    history = await withInterrupt((signal) =>
      fit(model, data.train, {
        epochs: o.epochs,
        batchSize: o.batchSize,
        optimizer,
        schedule,
        validation: data.val,
        ...(augment ? { augment } : { normalize: data.normalize }),
        ...(o.labelSmoothing === undefined ? {} : { labelSmoothing: o.labelSmoothing }),
        ...(o.maxSteps === undefined ? {} : { maxSteps: o.maxSteps }),
        seed: o.seed,
        quiet: o.quiet ?? false,
        signal,
      }),
    );
  } finally {
    optimizer.dispose();
    model.dispose();
  }
  const last = history.epochs[history.epochs.length - 1];
  if (last) {
    io.out(
      `epoch ${last.epoch}: train loss ${num(last.train.loss)}, accuracy ${pct(last.train.accuracy)}; val loss ${num(last.val?.loss)}, accuracy ${pct(last.val?.accuracy)}`,
    );
  } else io.out(`stopped after ${history.steps.length} steps, before the end of the first epoch`);
  const path = await writeJson(o.out, 'history.json', history);
  await writeReport(join(o.out, 'report.html'), { title: `convkit train: ${o.model} on ${o.data}`, history });
  io.out(`wrote ${path} and ${join(o.out, 'report.html')}`);
}

/** The search options commander gives `convkit search` (and the recipe's step 4). */
export interface SearchCommandOptions extends CommonOptions {
  param?: SearchSpace;
  trials: number;
  fineTrials: number;
  fineEpochs?: number;
  topK?: number;
  workers: number;
  trialSeeds?: 'same' | 'per-trial';
}

/** The default search space: the two the lecture's step 4 starts with. */
export const DEFAULT_SPACE: SearchSpace = { lr: logUniform(1e-4, 1e-1), weightDecay: logUniform(1e-6, 1e-2) };

/** One line per finished trial: how many are done, then the trial's id (as in `best: trial <id>`). */
export function trialLine(t: TrialRecord, progress: { done: number; total: number }): string {
  const params = Object.entries(t.params)
    .map(([k, v]) => `${k}=${num(v)}`)
    .join(' ');
  const what =
    t.error === undefined
      ? `val accuracy ${pct(t.valAccuracy)}, loss ${num(t.valLoss)}`
      : `failed: ${t.error}`;
  const count = `[${String(progress.done).padStart(String(progress.total).length)}/${progress.total}]`;
  const id = String(t.id).padStart(String(progress.total - 1).length);
  return `${count} trial ${id} ${t.stage.padEnd(6)} ${params}  ${what}  (${t.seconds.toFixed(1)} s)`;
}

/**
 * Runs a search with `fitTrial` for the command line: in this process (workers 1, on the backend
 * started here and data loaded once) or in a worker pool (each worker starts its backend and loads
 * the data). Prints a line per trial and the best.
 */
export async function runSearch(
  o: SearchCommandOptions,
  data: LoadedData | undefined,
  io: Io,
  signal?: AbortSignal,
  history: FitTrialOptions['history'] = 'epochs',
): Promise<SearchResult> {
  const space = o.param ?? DEFAULT_SPACE;
  for (const name of Object.keys(space)) {
    if (!(FIT_TRIAL_PARAMS as readonly string[]).includes(name)) {
      const hint = closestName(name, FIT_TRIAL_PARAMS);
      throw new UsageError(
        `--param: unknown hyperparameter '${name}'${hint ? ` (did you mean '${hint}'?)` : ''}; searchable: ${FIT_TRIAL_PARAMS.join(', ')}`,
      );
    }
  }
  const shared: Omit<FitTrialOptions, 'data'> = {
    model: o.model,
    optimizer: o.optimizer,
    lr: o.lr,
    ...(o.weightDecay === undefined ? {} : { weightDecay: o.weightDecay }),
    ...(o.momentum === undefined ? {} : { momentum: o.momentum }),
    ...(o.modelWidth === undefined ? {} : { widthMultiplier: o.modelWidth }),
    ...(o.maxSteps === undefined ? {} : { maxSteps: o.maxSteps }),
    batchSize: o.batchSize,
    history,
  };
  let runner: TrialRunner | undefined;
  let pool: WorkerPoolRunner | undefined;
  if (o.workers > 1) {
    pool = new WorkerPoolRunner({
      workers: o.workers,
      backend: {
        ...(o.backend === undefined ? {} : { backend: o.backend }),
        ...(o.strict ? { strict: true } : {}),
        ...(o.wasmThreads === undefined ? {} : { wasmThreads: o.wasmThreads }),
      },
      trialOptions: { ...shared, data: dataSpec(o) },
    });
    runner = pool;
    io.out(`search: ${o.workers} worker threads, wasm threads per worker ${pool.backend.wasmThreads}`);
  }
  const trial = runner ?? fitTrial({ ...shared, data: data as LoadedData });
  try {
    const result = await randomSearch(space, trial, {
      trials: o.trials,
      epochs: o.epochs,
      ...(o.fineTrials > 0
        ? {
            fine: {
              trials: o.fineTrials,
              ...(o.fineEpochs === undefined ? {} : { epochs: o.fineEpochs }),
              ...(o.topK === undefined ? {} : { topK: o.topK }),
            },
          }
        : {}),
      seed: o.seed,
      ...(o.trialSeeds === undefined ? {} : { trialSeeds: o.trialSeeds }),
      onTrial: (t, progress) => io.out(trialLine(t, progress)),
      ...(signal ? { signal } : {}),
    });
    if (pool) for (const [w, b] of [...pool.backends].sort()) io.out(`${w}: ${b}`);
    const best = result.best === null ? undefined : result.trials[result.best];
    if (best) {
      const params = Object.entries(best.params)
        .map(([k, v]) => `${k}=${num(v)}`)
        .join(' ');
      io.out(
        `best: trial ${best.id} (${best.stage}) ${params}: val accuracy ${pct(best.valAccuracy)}, loss ${num(best.valLoss)}`,
      );
    } else io.out('best: none, every trial failed');
    return result;
  } finally {
    await pool?.close();
  }
}

/** `convkit search`: random search, coarse then fine; search.json and report.html. */
export async function searchAction(
  _args: unknown[],
  options: Record<string, unknown>,
  io: Io,
): Promise<void> {
  const o = options as unknown as SearchCommandOptions;
  checkNames(o);
  // In a pool each worker starts its own backend and loads the data; here only for in-process trials.
  const data = o.workers > 1 ? undefined : await start(o, io);
  const result = await withInterrupt((signal) => runSearch(o, data, io, signal));
  const path = await writeJson(o.out, 'search.json', result);
  await writeReport(join(o.out, 'report.html'), {
    title: `convkit search: ${o.model} on ${o.data}`,
    search: result,
  });
  io.out(`wrote ${path} and ${join(o.out, 'report.html')}`);
}
