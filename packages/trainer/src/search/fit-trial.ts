import { batchCount } from '@convkit/data';
import { memory } from '@tensorflow/tfjs-core';
import { type DataSpec, type LoadedData, loadDataByName } from '../data-by-name';
import { closestName } from '../did-you-mean';
import { evaluate } from '../fit/evaluate';
import { fit } from '../fit/fit';
import {
  buildAugment,
  buildModel,
  buildOptimizer,
  buildSchedule,
  OPTIMIZER_NAMES,
  SCHEDULE_NAMES,
  type TrainingSettings,
} from '../setup';
import type { Trial, TrialResult } from './runner';
import type { Params } from './space';

/** The hyperparameters `fitTrial` takes from a trial's params (anything else is an error). */
export const FIT_TRIAL_PARAMS = [
  'lr',
  'weightDecay',
  'momentum',
  'optimizer',
  'schedule',
  'batchSize',
  'labelSmoothing',
  'augment',
  'dropRate',
  'widthMultiplier',
] as const;

/** Options of {@link fitTrial}: what every trial shares. JSON-safe with a `DataSpec` (for worker pools). */
export interface FitTrialOptions extends TrainingSettings {
  /** A model of `@convkit/models` by name (`createModel`), sized to the data's channels and classes. */
  model: string;
  /** More options of the model (`createModel`'s). */
  modelOptions?: Record<string, unknown>;
  /** The data: a name or path (`loadDataByName`, loaded once per process and kept), or data already loaded (in-process only). */
  data: DataSpec | LoadedData;
  /** Default 64. */
  batchSize?: number;
  labelSmoothing?: number;
  dropRate?: number;
  widthMultiplier?: number;
  /** Stop each trial after this many steps (quick runs). */
  maxSteps?: number;
  /**
   * What of `fit`'s history each trial keeps in the results: `'epochs'` (default: the per-epoch
   * records, small), `'full'` (with every step's loss and rate), `'none'`.
   */
  history?: 'epochs' | 'full' | 'none';
}

/** Data loaded by this process (a worker keeps its copy for all its trials), by spec. */
const loaded = new Map<string, Promise<LoadedData>>();

function dataOf(data: DataSpec | LoadedData): Promise<LoadedData> {
  if ('train' in data) return Promise.resolve(data);
  const key = JSON.stringify(data);
  let p = loaded.get(key);
  if (p === undefined) {
    p = loadDataByName(data);
    loaded.set(key, p);
    p.catch(() => loaded.delete(key));
  }
  return p;
}

/** The trial's settings: the shared options overridden by its params, each param checked. */
function settingsOf(options: FitTrialOptions, params: Params): FitTrialOptions {
  const s: FitTrialOptions = { ...options };
  for (const [name, value] of Object.entries(params)) {
    if (!(FIT_TRIAL_PARAMS as readonly string[]).includes(name)) {
      const hint = closestName(name, FIT_TRIAL_PARAMS);
      throw new Error(
        `fitTrial: unknown hyperparameter '${name}'${hint ? ` (did you mean '${hint}'?)` : ''}; fitTrial takes ${FIT_TRIAL_PARAMS.join(', ')}`,
      );
    }
    (s as unknown as Record<string, unknown>)[name] = value;
  }
  const names: Record<string, readonly unknown[]> = {
    optimizer: OPTIMIZER_NAMES,
    schedule: SCHEDULE_NAMES,
    augment: [true, false],
  };
  for (const [key, allowed] of Object.entries(names)) {
    const v = (s as unknown as Record<string, unknown>)[key];
    if (v !== undefined && !allowed.includes(v)) {
      throw new Error(`fitTrial: ${key} must be one of ${allowed.join(', ')}, got ${JSON.stringify(v)}`);
    }
  }
  for (const key of [
    'lr',
    'weightDecay',
    'momentum',
    'batchSize',
    'labelSmoothing',
    'dropRate',
    'widthMultiplier',
  ]) {
    const v = (s as unknown as Record<string, unknown>)[key];
    if (v !== undefined && typeof v !== 'number')
      throw new Error(`fitTrial: ${key} must be a number, got ${JSON.stringify(v)}`);
  }
  if (s.batchSize !== undefined && !Number.isInteger(s.batchSize)) {
    throw new Error(`fitTrial: batchSize must be an integer, got ${s.batchSize}`);
  }
  return s;
}

/**
 * A ready trial: trains a `@convkit/models` model by name with `fit` on a data set by name, for the
 * trial's epochs and seed, with the trial's hyperparameters (any of `lr`, `weightDecay`, `momentum`,
 * `optimizer`, `schedule`, `batchSize`, `labelSmoothing`, `augment`, `dropRate`, `widthMultiplier`)
 * over the shared `options`, and reports the last epoch's validation accuracy and loss. The model and
 * optimizer are freed after each trial (no tensor outlives it). A diverged run (NaN loss) throws: the
 * search records it as failed.
 *
 * In a worker pool, `WorkerPoolRunner`'s default module exports it: `new WorkerPoolRunner({
 * trialOptions: { model, data } })` calls `fitTrial(trialOptions)` once per worker.
 *
 * @example
 * const trial = fitTrial({ model: 'mnist_cnn', data: { data: 'fashion-mnist', limit: 5000, valLimit: 1000 } });
 * const result = await randomSearch({ lr: logUniform(1e-4, 1e-1) }, trial, { trials: 8, epochs: 1 });
 */
export function fitTrial(options: FitTrialOptions): Trial {
  if (typeof options?.model !== 'string') throw new Error('fitTrial: options.model must be a model name');
  if (options.data === undefined)
    throw new Error('fitTrial: options.data is required (a DataSpec or loaded data)');
  return async (params, context): Promise<TrialResult> => {
    const s = settingsOf(options, params);
    const data = await dataOf(options.data);
    const batchSize = s.batchSize ?? 64;
    const tensorsBefore = memory().numTensors;
    const model = buildModel(s.model, data.train, {
      seed: context.seed,
      widthMultiplier: s.widthMultiplier,
      dropRate: s.dropRate,
      modelOptions: s.modelOptions,
    });
    const optimizer = buildOptimizer(model, s);
    let result: TrialResult;
    try {
      const steps = Math.min(
        s.maxSteps ?? Number.POSITIVE_INFINITY,
        context.epochs * batchCount(data.train, { batchSize }),
      );
      const schedule = buildSchedule(optimizer, s, steps);
      const augment =
        s.augment && data.normalize ? buildAugment(dataName(options.data), data.normalize) : undefined;
      const normalize = augment === undefined && data.normalize ? data.normalize : undefined;
      const history = await fit(model, data.train, {
        epochs: context.epochs,
        batchSize,
        optimizer,
        schedule,
        validation: data.val,
        ...(augment ? { augment } : {}),
        ...(normalize ? { normalize } : {}),
        ...(s.labelSmoothing === undefined ? {} : { labelSmoothing: s.labelSmoothing }),
        ...(s.maxSteps === undefined ? {} : { maxSteps: s.maxSteps }),
        seed: context.seed,
        quiet: true,
        signal: context.signal,
      });
      const last = history.epochs[history.epochs.length - 1];
      // maxSteps inside the first epoch: fit records no epoch, so validate here.
      const val =
        last?.val ??
        (await evaluate(model, data.val, { ...(normalize ? { normalize } : {}), preprocess: augment?.eval }))
          .scores;
      const kept = s.history ?? 'epochs';
      result = {
        valAccuracy: val.accuracy ?? Number.NaN,
        valLoss: val.loss,
        metrics: {
          trainLoss: last?.train.loss ?? Number.NaN,
          trainAccuracy: last?.train.accuracy ?? Number.NaN,
          steps: history.steps[history.steps.length - 1]?.step ?? last?.step ?? 0,
        },
        ...(kept === 'none' ? {} : { history: kept === 'full' ? history : { ...history, steps: [] } }),
      };
    } finally {
      optimizer.dispose();
      model.dispose();
    }
    const leaked = memory().numTensors - tensorsBefore;
    if (leaked > 0) throw new Error(`fitTrial: ${leaked} tensors outlived the trial`);
    return result;
  };
}

function dataName(data: DataSpec | LoadedData): string {
  return 'data' in data ? data.data : '';
}
