import type { Module } from '@convkit/core';
import type { Optimizer } from '../optim/optimizer';
import type { LrScheduler } from '../schedule/scheduler';
import type { Evaluation } from './evaluate';
import type { EpochRecord, History } from './history';
import type { Scores } from './metrics';

/** What a callback sees of a running `fit` (Keras's `self.model`, Lightning's `trainer`). */
export interface FitState {
  readonly model: Module;
  readonly optimizer: Optimizer;
  readonly schedule: LrScheduler | null;
  /** The run's history so far (the current epoch is added at its end). Read it, do not change it. */
  readonly history: History;
  /** The epoch in progress, 1-based. */
  readonly epoch: number;
  /** Epochs asked for. */
  readonly epochs: number;
  /** Batches done in this epoch. */
  readonly batch: number;
  readonly stepsPerEpoch: number;
  /** Steps done in all (a step is a batch; 1-based in records). */
  readonly step: number;
  /** The mean loss and metrics of this epoch's batches so far. */
  readonly running: Scores;
  /** The quantity `fit` tracks the best epoch by ('val.loss' with validation data, else 'train.loss'). */
  readonly monitor: string;
  /**
   * Asks `fit` to stop: after this epoch when called from `onEpochEnd`, after this batch from
   * `onBatchEnd` (Keras's `model.stop_training = True`). `reason` becomes the history's `stopReason`.
   */
  stop(reason?: 'early-stopping' | 'stopped'): void;
  /**
   * The whole training state now, as checkpoint bytes (see `encodeCheckpoint`): model, optimizer,
   * schedule, every generator, position, history and the callbacks' states. `fit(…, { resume })`
   * continues from it exactly.
   */
  checkpoint(): Promise<Uint8Array>;
}

/** What `onBatchEnd` gets: the step just taken. */
export interface BatchEnd {
  /** Global step, 1-based. */
  step: number;
  /** 1-based. */
  epoch: number;
  /** Batch index in the epoch, 1-based. */
  batch: number;
  /** The batch's mean loss (training mode, augmented data). */
  loss: number;
  /** The learning rate of each parameter group for this step. */
  lr: number[];
  /** True when the step was skipped (non-finite loss or gradient, `nonFinite: 'skip'`). */
  skipped: boolean;
}

type Awaitable<T> = T | Promise<T>;

/**
 * User code that runs at the events of `fit` (Keras callbacks, Lightning's `Callback`, fastai's
 * callbacks): every method is optional and may be async (`fit` awaits it). Callbacks run in the order
 * given, after `fit`'s progress bar. A callback with `stateDict` / `loadStateDict` has its state saved
 * in checkpoints (under its `name`) and restored on resume.
 *
 * @example
 * const logLr: Callback = { onEpochEnd: (fit, r) => console.log(r.epoch, r.lr[0]) };
 * await fit(model, train, { epochs: 5, callbacks: [logLr, new EarlyStopping({ patience: 2 })] });
 */
export interface Callback {
  /** The key of its state in checkpoints; default: its class name. Unique among a fit's callbacks. */
  readonly name?: string;
  onFitStart?(fit: FitState): Awaitable<void>;
  onEpochStart?(fit: FitState): Awaitable<void>;
  onBatchEnd?(fit: FitState, batch: BatchEnd): Awaitable<void>;
  /** After each validation, with the full evaluation (per-class accuracy, confusion matrix). */
  onValidationEnd?(fit: FitState, evaluation: Evaluation): Awaitable<void>;
  onEpochEnd?(fit: FitState, record: EpochRecord): Awaitable<void>;
  /** After the last epoch, or when stopped; not after an error. */
  onFitEnd?(fit: FitState): Awaitable<void>;
  /** When fit throws (Lightning's `on_exception`): release what you hold; fit rethrows `error` after. */
  onError?(fit: FitState, error: unknown): Awaitable<void>;
  /** State to keep in checkpoints (JSON; tensors allowed). */
  stateDict?(): unknown;
  /** Restores `stateDict()`'s value, before training resumes. Tensors in it are disposed after: clone what you keep. */
  loadStateDict?(state: unknown): void;
}

/** A callback's checkpoint key. */
export function callbackName(cb: Callback): string {
  return cb.name ?? (cb.constructor === Object ? 'callback' : cb.constructor.name);
}
