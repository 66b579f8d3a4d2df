import { checkNumber } from '@convkit/backend';
import type { Optimizer } from '../optim/optimizer';
import { checkKeys } from '../options';
import { LrScheduler } from './scheduler';

/** Options of {@link LinearLR}. */
export interface LinearLROptions {
  /** The factor at step 0, in (0, 1]. Default 1/3. */
  startFactor?: number;
  /** The factor from step `totalIters` on, in [0, 1]. Default 1. */
  endFactor?: number;
  /** Steps of the ramp (a positive integer). Default 5. */
  totalIters?: number;
}

/**
 * Scales each group's learning rate by a factor that moves linearly from `startFactor` to
 * `endFactor` over `totalIters` steps, then stays: PyTorch's `LinearLR`, the usual warm-up:
 *
 *   lr_t = base_lr · (startFactor + (endFactor − startFactor) · min(t, totalIters) / totalIters)
 *
 * (chainably, as PyTorch). A start factor of 0 is refused: PyTorch 1.13 divides by it.
 *
 * @example
 * const warmup = new LinearLR(opt, { startFactor: 0.1, totalIters: 500 }); // per batch
 */
export class LinearLR extends LrScheduler {
  static readonly className = 'LinearLR';
  /** Stepped per batch by `fit` (its lengths count batches); set `interval` to change it. */
  static readonly defaultInterval = 'step' as const;
  readonly options: Required<LinearLROptions>;

  constructor(optimizer: Optimizer, options: LinearLROptions = {}) {
    const who = LinearLR.className;
    checkKeys(who, options ?? {}, ['startFactor', 'endFactor', 'totalIters']);
    const config = {
      startFactor: checkNumber(who, 'startFactor', options?.startFactor ?? 1 / 3, { above: 0, max: 1 }),
      endFactor: checkNumber(who, 'endFactor', options?.endFactor ?? 1, { min: 0, max: 1 }),
      totalIters: checkNumber(who, 'totalIters', options?.totalIters ?? 5, { min: 1, integer: true }),
    };
    super(who, optimizer);
    this.options = config;
    this.initialStep();
  }

  protected computeLr(): number[] {
    const { startFactor: s, endFactor: e, totalIters: n } = this.options;
    const t = this.lastEpoch;
    const lrs = this.groupLrs();
    if (t === 0) return lrs.map((lr) => lr * s);
    if (t > n) return lrs;
    return lrs.map((lr) => lr * (1 + (e - s) / (n * s + (t - 1) * (e - s))));
  }

  protected override closedFormLr(): number[] {
    const { startFactor: s, endFactor: e, totalIters: n } = this.options;
    return this.baseLrs.map((lr) => lr * (s + ((e - s) * Math.min(n, this.lastEpoch)) / n));
  }
}
