import type { Scores } from './metrics';

/**
 * What happened in one epoch of `fit`: the training loss and metrics (means over the epoch's batches,
 * measured on the augmented batches in training mode, as Keras reports them), the validation loss and
 * metrics (after the epoch, in evaluation mode), the learning rates and the timings.
 */
export interface EpochRecord {
  /** 1-based. */
  epoch: number;
  /** Global step at the end of the epoch (steps are batches, 1-based; a skipped batch counts). */
  step: number;
  /** Each parameter group's learning rate at the end of the epoch (after the schedule's step). */
  lr: number[];
  train: Scores;
  /** Absent without validation data. */
  val?: Scores;
  /** Batches skipped because their loss or a gradient was not finite (`nonFinite: 'skip'`). */
  skipped: number;
  /** Seconds of training, of validation, and in all (callbacks included). */
  seconds: { train: number; val: number; total: number };
}

/** One training step: its loss and the learning rates it used. */
export interface StepRecord {
  /** Global step, 1-based. */
  step: number;
  /** 1-based. */
  epoch: number;
  /** The batch's mean loss (NaN or ±Infinity for a skipped step; `null` once written to JSON). */
  loss: number;
  /** Each parameter group's learning rate for this step. */
  lr: number[];
}

/** Why `fit` returned. */
export type StopReason = 'completed' | 'early-stopping' | 'max-steps' | 'stopped' | 'aborted';

/**
 * The record of a `fit` run, plain JSON (`JSON.stringify(history)` is the report's input): per-epoch
 * records, per-step losses and learning rates, the last validation's per-class accuracy and confusion
 * matrix, and what ran. A resumed run continues the history it was checkpointed with.
 *
 * ```ts
 * {
 *   version: 1,
 *   meta: { model: 'MnistCnn', parameters: 11274, optimizer: 'Adam', schedule: 'OneCycleLR' | null,
 *           scheduleInterval: 'step' | 'epoch' | null, batchSize: 64, stepsPerEpoch: 938, epochs: 2,
 *           trainSamples: 60000, valSamples: 10000 | 0, classes: ['0', …], metrics: ['accuracy'],
 *           monitor: null | 'val.loss', backend: 'wasm', seed: 0 },
 *   epochs: [{ epoch: 1, step: 938, lr: [0.002], train: { loss, accuracy }, val: { loss, accuracy },
 *              skipped: 0, seconds: { train, val, total } }, …],
 *   steps: [{ step: 1, epoch: 1, loss: 2.31, lr: [0.002] }, …],
 *   lastValidation: { perClassAccuracy: [...], confusionMatrix: [[...]], classes: [...] } | null,
 *   stopReason: 'completed' | 'early-stopping' | 'max-steps' | 'stopped' | 'aborted' | null,
 *   best: { monitor: 'val.loss', value: 0.041, epoch: 2 } | null,
 * }
 * ```
 */
export interface History {
  version: 1;
  meta: HistoryMeta;
  epochs: EpochRecord[];
  steps: StepRecord[];
  lastValidation: {
    perClassAccuracy: (number | null)[];
    confusionMatrix: number[][];
    classes: string[];
  } | null;
  /** Null while the run is going on (e.g. in a checkpoint). */
  stopReason: StopReason | null;
  /** The best epoch by `meta.monitor`, when fit monitors one. */
  best: { monitor: string; value: number; epoch: number } | null;
}

/** What ran: the model, optimizer, schedule and data sizes (informative, for reports). */
export interface HistoryMeta {
  model: string;
  parameters: number;
  optimizer: string;
  schedule: string | null;
  scheduleInterval: 'step' | 'epoch' | null;
  batchSize: number;
  stepsPerEpoch: number;
  /** Epochs asked for. */
  epochs: number;
  trainSamples: number;
  valSamples: number;
  classes: string[];
  metrics: string[];
  /** The quantity `best` follows: 'val.loss' with validation data, else 'train.loss'. */
  monitor: string;
  backend: string;
  seed: number;
}

/**
 * The value of `monitor` ('val.loss', 'train.accuracy', 'val.top5', …) in an epoch record, or
 * undefined when the record has none.
 */
export function monitored(record: EpochRecord, monitor: string): number | undefined {
  const [part, key] = monitor.split('.', 2);
  const scores = part === 'val' ? record.val : part === 'train' ? record.train : undefined;
  const v = scores?.[key];
  return typeof v === 'number' ? v : undefined;
}

/** Whether larger is better for `monitor` ('auto': accuracies yes, losses no). */
export function resolveMode(monitor: string, mode: 'min' | 'max' | 'auto' = 'auto'): 'min' | 'max' {
  if (mode !== 'auto') return mode;
  return /loss$/.test(monitor) ? 'min' : 'max';
}

/** Checks a monitor name: `train.` or `val.` followed by 'loss', 'accuracy' or 'top<k>'. */
export function checkMonitor(who: string, monitor: unknown): string {
  if (typeof monitor !== 'string' || !/^(train|val)\.(loss|accuracy|top[1-9][0-9]*)$/.test(monitor)) {
    throw new Error(
      `${who}: monitor must be 'val.loss', 'val.accuracy', 'train.loss', … ('train.' or 'val.' and 'loss', 'accuracy' or 'top<k>'), got ${JSON.stringify(monitor)}`,
    );
  }
  return monitor;
}
