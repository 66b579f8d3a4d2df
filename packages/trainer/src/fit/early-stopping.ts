import { checkNumber } from '@convkit/backend';
import { clone, dispose, type Tensor, tidy } from '@tensorflow/tfjs-core';
import type { Callback, FitState } from './callbacks';
import { checkMonitor, type EpochRecord, monitored, resolveMode } from './history';

/** Options of {@link EarlyStopping}. */
export interface EarlyStoppingOptions {
  /** The quantity watched: 'val.loss', 'val.accuracy', 'train.loss', … Default: fit's `monitor`. */
  monitor?: string;
  /** 'min', 'max', or 'auto' (default: 'min' for losses, 'max' for accuracies). */
  mode?: 'min' | 'max' | 'auto';
  /** Epochs without improvement before stopping. Default 5. */
  patience?: number;
  /** The smallest change that counts as an improvement. Default 0. */
  minDelta?: number;
  /** End the run with the weights (parameters and buffers) of the best epoch. Default false. */
  restoreBest?: boolean;
}

/**
 * Stops `fit` when `monitor` has not improved by more than `minDelta` for `patience` epochs (Keras's
 * `EarlyStopping`, Lightning's `EarlyStopping`); the history's `stopReason` is then 'early-stopping'.
 * With `restoreBest` the model ends with the best epoch's weights (kept as clones, which share data
 * with the weights until those change: one extra copy of the model at most). A NaN value never
 * improves. Its counters (and the best weights) are saved in checkpoints.
 *
 * Options: `monitor` (fit's), `mode` 'auto', `patience` 5, `minDelta` 0, `restoreBest` false.
 *
 * @example
 * await fit(model, train, { validation, epochs: 50, callbacks: [new EarlyStopping({ patience: 3, restoreBest: true })] });
 */
export class EarlyStopping implements Callback {
  readonly name = 'EarlyStopping';
  readonly options: Required<Omit<EarlyStoppingOptions, 'monitor'>> & { monitor: string | null };
  /** The best value so far (null before the first epoch). */
  best: number | null = null;
  /** Its epoch (1-based). */
  bestEpoch = 0;
  /** Epochs since the best one. */
  wait = 0;
  private weights: Record<string, Tensor> | null = null;

  constructor(options: EarlyStoppingOptions = {}) {
    const who = 'EarlyStopping';
    this.options = {
      monitor: options.monitor === undefined ? null : checkMonitor(who, options.monitor),
      mode: options.mode ?? 'auto',
      patience: checkNumber(who, 'patience', options.patience ?? 5, { min: 0, integer: true }),
      minDelta: checkNumber(who, 'minDelta', options.minDelta ?? 0, { min: 0 }),
      restoreBest: options.restoreBest ?? false,
    };
    if (!['min', 'max', 'auto'].includes(this.options.mode)) {
      throw new Error(`${who}: mode must be 'min', 'max' or 'auto', got ${JSON.stringify(options.mode)}`);
    }
  }

  onEpochEnd(fit: FitState, record: EpochRecord): void {
    const monitor = this.options.monitor ?? fit.monitor;
    const value = monitored(record, monitor);
    if (value === undefined) {
      throw new Error(
        `EarlyStopping: epoch ${record.epoch} has no '${monitor}' (validation data gives val.*)`,
      );
    }
    const mode = resolveMode(monitor, this.options.mode);
    const { minDelta } = this.options;
    const improved =
      Number.isFinite(value) &&
      (this.best === null || (mode === 'min' ? value < this.best - minDelta : value > this.best + minDelta));
    if (improved) {
      this.best = value;
      this.bestEpoch = record.epoch;
      this.wait = 0;
      if (this.options.restoreBest) this.keep(fit.model.stateDict());
      return;
    }
    this.wait++;
    if (this.wait >= this.options.patience) fit.stop('early-stopping');
  }

  onFitEnd(fit: FitState): void {
    if (this.weights && this.bestEpoch !== fit.history.epochs.at(-1)?.epoch) {
      const weights = this.weights;
      tidy(() => {
        fit.model.loadStateDict(weights); // in a tidy: a load's intermediate copies are freed
      });
    }
    this.release();
  }

  onError(): void {
    this.release();
  }

  stateDict(): unknown {
    return { best: this.best, bestEpoch: this.bestEpoch, wait: this.wait, weights: this.weights };
  }

  loadStateDict(state: unknown): void {
    const s = state as {
      best: number | null;
      bestEpoch: number;
      wait: number;
      weights: Record<string, Tensor> | null;
    };
    if (s === null || typeof s !== 'object' || !Number.isInteger(s.wait) || !Number.isInteger(s.bestEpoch)) {
      throw new Error(
        `EarlyStopping.loadStateDict: expected { best, bestEpoch, wait, weights }, got ${JSON.stringify(s)}`,
      );
    }
    this.best = s.best;
    this.bestEpoch = s.bestEpoch;
    this.wait = s.wait;
    if (s.weights) this.keep(s.weights);
  }

  private keep(weights: Record<string, Tensor>): void {
    this.release();
    this.weights = Object.fromEntries(Object.entries(weights).map(([k, t]) => [k, clone(t)]));
  }

  private release(): void {
    if (this.weights) dispose(Object.values(this.weights));
    this.weights = null;
  }
}
