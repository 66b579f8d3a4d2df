import { checkNumber } from '@convkit/backend';
import type { Optimizer } from '../optim/optimizer';
import { checkKeys } from '../options';
import { LrScheduler, type ScheduleStateDict } from './scheduler';

/** Options of {@link CosineAnnealingWarmRestarts}. */
export interface CosineAnnealingWarmRestartsOptions {
  /** Steps of the first cycle (a positive integer). Required. */
  t0: number;
  /** Each cycle is `tMult` times longer than the one before (an integer ≥ 1). Default 1. */
  tMult?: number;
  /** The lowest learning rate. Default 0. */
  etaMin?: number;
}

/**
 * Cosine annealing with warm restarts (SGDR, Loshchilov & Hutter), PyTorch's
 * `CosineAnnealingWarmRestarts`: within a cycle of T_i steps,
 *
 *   lr = etaMin + (base_lr − etaMin) · (1 + cos(π·T_cur / T_i)) / 2
 *
 * and at the end of a cycle the rate jumps back to base_lr, the next cycle lasting T_i·tMult steps.
 * Counted in `step()` calls: per batch, `t0` is in batches. State: `tCur`, `tI`.
 *
 * @example
 * const schedule = new CosineAnnealingWarmRestarts(opt, { t0: 10, tMult: 2 }); // 10, 20, 40, …
 */
export class CosineAnnealingWarmRestarts extends LrScheduler {
  static readonly className = 'CosineAnnealingWarmRestarts';
  /** Stepped per batch by `fit` (its lengths count batches); set `interval` to change it. */
  static readonly defaultInterval = 'step' as const;
  readonly options: Required<CosineAnnealingWarmRestartsOptions>;
  /** Steps since the last restart. */
  tCur: number;
  /** The length of the current cycle. */
  tI: number;

  constructor(optimizer: Optimizer, options: CosineAnnealingWarmRestartsOptions) {
    const who = CosineAnnealingWarmRestarts.className;
    checkKeys(who, options ?? {}, ['t0', 'tMult', 'etaMin']);
    const config = {
      t0: checkNumber(who, 't0', options?.t0, { min: 1, integer: true }),
      tMult: checkNumber(who, 'tMult', options.tMult ?? 1, { min: 1, integer: true }),
      etaMin: checkNumber(who, 'etaMin', options.etaMin ?? 0, { min: 0 }),
    };
    super(who, optimizer);
    this.options = config;
    this.tI = config.t0;
    this.tCur = -1;
    this.restart(); // PyTorch's first step: epoch 0
  }

  protected computeLr(): number[] {
    const { etaMin } = this.options;
    return this.baseLrs.map(
      (lr) => etaMin + ((lr - etaMin) * (1 + Math.cos((Math.PI * this.tCur) / this.tI))) / 2,
    );
  }

  override step(): void {
    if (this.lastEpoch < 0) {
      this.restart(); // PyTorch: a first step (also after SequentialLR's undo) is epoch 0
      return;
    }
    this.lastEpoch += 1;
    this.tCur += 1;
    if (this.tCur >= this.tI) {
      this.tCur -= this.tI;
      this.tI *= this.options.tMult;
    }
    this.apply(this.computeLr());
  }

  override restart(): void {
    this.tI = this.options.t0;
    this.tCur = 0;
    this.lastEpoch = 0;
    this.apply(this.computeLr());
  }

  protected override extraState(): Record<string, unknown> {
    return { tCur: this.tCur, tI: this.tI };
  }

  protected override prepareLoad(dict: ScheduleStateDict, who: string): () => void {
    const commit = super.prepareLoad(dict, who);
    const tCur = checkNumber(who, 'tCur', dict.tCur, { min: -1, integer: true });
    const tI = checkNumber(who, 'tI', dict.tI, { min: 1, integer: true });
    return () => {
      this.tCur = tCur;
      this.tI = tI;
      commit();
    };
  }
}
