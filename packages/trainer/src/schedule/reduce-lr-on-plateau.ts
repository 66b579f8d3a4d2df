import { checkNumber } from '@convkit/backend';
import type { Optimizer } from '../optim/optimizer';
import { checkKeys, show } from '../options';
import { LrScheduler, perGroup, type ScheduleStateDict } from './scheduler';

/** Options of {@link ReduceLROnPlateau}. */
export interface ReduceLROnPlateauOptions {
  /** 'min': the metric should fall (a loss); 'max': rise (an accuracy). Default 'min'. */
  mode?: 'min' | 'max';
  /** new lr = lr · factor, in [0, 1). Default 0.1. */
  factor?: number;
  /** Steps without improvement tolerated before reducing (an integer ≥ 0). Default 10. */
  patience?: number;
  /** How much better counts as better. Default 1e-4. */
  threshold?: number;
  /** 'rel': better than best·(1 ∓ threshold); 'abs': than best ∓ threshold. Default 'rel'. */
  thresholdMode?: 'rel' | 'abs';
  /** Steps to wait after a reduction before counting again (an integer ≥ 0). Default 0. */
  cooldown?: number;
  /** The lowest learning rate, for all groups or one per group. Default 0. */
  minLr?: number | readonly number[];
  /** Reductions smaller than this are skipped. Default 1e-8. */
  eps?: number;
}

/**
 * Reduces the learning rate by `factor` when a metric has stopped improving for `patience` steps,
 * PyTorch's `ReduceLROnPlateau`. `step(metric)` takes the monitored value — usually the validation
 * loss (mode 'min') or accuracy ('max') — once per validation. Not chainable (it acts on the current
 * rates), so not part of SequentialLR or ChainedScheduler. State: `best` (null before the first
 * metric), `numBadEpochs`, `cooldownCounter`.
 *
 * @example
 * const schedule = new ReduceLROnPlateau(opt, { mode: 'max', patience: 3 });
 * // after each epoch's validation: schedule.step(valAccuracy);
 */
/** {@link ReduceLROnPlateauOptions} resolved (`minLr` one per group). */
export interface ReduceLROnPlateauConfig {
  mode: 'min' | 'max';
  factor: number;
  patience: number;
  threshold: number;
  thresholdMode: 'rel' | 'abs';
  cooldown: number;
  minLr: number[];
  eps: number;
}

export class ReduceLROnPlateau extends LrScheduler {
  static readonly className = 'ReduceLROnPlateau';
  override readonly needsMetric = true;
  readonly options: ReduceLROnPlateauConfig;
  /** The best metric so far; null before the first. */
  best: number | null = null;
  numBadEpochs = 0;
  cooldownCounter = 0;

  constructor(optimizer: Optimizer, options: ReduceLROnPlateauOptions = {}) {
    const who = ReduceLROnPlateau.className;
    const o = options ?? {};
    checkKeys(who, o, [
      'mode',
      'factor',
      'patience',
      'threshold',
      'thresholdMode',
      'cooldown',
      'minLr',
      'eps',
    ]);
    const mode = o.mode ?? 'min';
    if (mode !== 'min' && mode !== 'max')
      throw new Error(`${who}: mode must be 'min' or 'max', got ${show(mode)}`);
    const thresholdMode = o.thresholdMode ?? 'rel';
    if (thresholdMode !== 'rel' && thresholdMode !== 'abs') {
      throw new Error(`${who}: thresholdMode must be 'rel' or 'abs', got ${show(thresholdMode)}`);
    }
    const config: ReduceLROnPlateauConfig = {
      mode,
      factor: checkNumber(who, 'factor', o.factor ?? 0.1, { min: 0, below: 1 }),
      patience: checkNumber(who, 'patience', o.patience ?? 10, { min: 0, integer: true }),
      threshold: checkNumber(who, 'threshold', o.threshold ?? 1e-4, { min: 0 }),
      thresholdMode,
      cooldown: checkNumber(who, 'cooldown', o.cooldown ?? 0, { min: 0, integer: true }),
      minLr: perGroup(who, 'minLr', o.minLr ?? 0, optimizer?.paramGroups?.length ?? 0).map((v, i) =>
        checkNumber(who, `minLr[${i}]`, v, { min: 0 }),
      ),
      eps: checkNumber(who, 'eps', o.eps ?? 1e-8, { min: 0 }),
    };
    super(who, optimizer);
    this.options = config;
    this.lastEpoch = 0;
  }

  private isBetter(a: number): boolean {
    if (this.best === null) return true; // PyTorch compares with ±inf
    const { best } = this;
    const { mode, threshold, thresholdMode } = this.options;
    if (mode === 'min') return thresholdMode === 'rel' ? a < best * (1 - threshold) : a < best - threshold;
    return thresholdMode === 'rel' ? a > best * (threshold + 1) : a > best + threshold;
  }

  protected computeLr(): number[] {
    return this.groupLrs();
  }

  /** Takes the monitored metric; reduces the rates after `patience` steps without improvement. */
  override step(metric?: number): void {
    if (typeof metric !== 'number' || Number.isNaN(metric)) {
      throw new Error(`ReduceLROnPlateau.step: needs the monitored metric (a number), got ${show(metric)}`);
    }
    this.lastEpoch += 1;
    if (this.isBetter(metric)) {
      this.best = metric;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs += 1;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0; // bad epochs in cooldown do not count
    }
    const lrs = this.groupLrs();
    const { factor, minLr, eps, patience, cooldown } = this.options;
    if (this.numBadEpochs > patience) {
      lrs.forEach((lr, i) => {
        const reduced = Math.max(lr * factor, minLr[i]);
        if (lr - reduced > eps) lrs[i] = reduced;
      });
      this.cooldownCounter = cooldown;
      this.numBadEpochs = 0;
    }
    this.apply(lrs);
  }

  override restart(): void {
    throw new Error(
      'ReduceLROnPlateau: cannot be part of SequentialLR (it acts on a metric, not on a step count)',
    );
  }

  protected override extraState(): Record<string, unknown> {
    return { best: this.best, numBadEpochs: this.numBadEpochs, cooldownCounter: this.cooldownCounter };
  }

  protected override prepareLoad(dict: ScheduleStateDict, who: string): () => void {
    const commit = super.prepareLoad(dict, who);
    const best = dict.best === null ? null : checkNumber(who, 'best', dict.best);
    const numBadEpochs = checkNumber(who, 'numBadEpochs', dict.numBadEpochs, { min: 0, integer: true });
    const cooldownCounter = checkNumber(who, 'cooldownCounter', dict.cooldownCounter, {
      min: 0,
      integer: true,
    });
    return () => {
      this.best = best;
      this.numBadEpochs = numBadEpochs;
      this.cooldownCounter = cooldownCounter;
      commit();
    };
  }
}
