import { checkNumber } from '@convkit/backend';
import type { Optimizer } from '../optim/optimizer';
import { checkKeys } from '../options';
import { LrScheduler } from './scheduler';

/** Options of {@link StepLR}. */
export interface StepLROptions {
  /** Steps between two decays (a positive integer). Required. */
  stepSize: number;
  /** Multiplicative decay. Default 0.1. */
  gamma?: number;
}

/** {@link StepLROptions} resolved. */
export type StepLRConfig = Required<StepLROptions>;

/**
 * Decays each group's learning rate by `gamma` every `stepSize` steps, PyTorch's `StepLR`:
 *
 *   lr_t = base_lr · gamma^⌊t / stepSize⌋
 *
 * (computed as PyTorch does, chainably: the current rate times gamma at each multiple of stepSize).
 * Usually stepped once per epoch.
 *
 * @example
 * const schedule = new StepLR(opt, { stepSize: 30, gamma: 0.1 }); // ÷10 every 30 epochs
 * for (const epoch of epochs) { trainOneEpoch(); schedule.step(); }
 */
export class StepLR extends LrScheduler {
  static readonly className = 'StepLR';
  readonly options: StepLRConfig;

  constructor(optimizer: Optimizer, options: StepLROptions) {
    checkKeys(StepLR.className, options ?? {}, ['stepSize', 'gamma']);
    const config: StepLRConfig = {
      stepSize: checkNumber(StepLR.className, 'stepSize', options?.stepSize, { min: 1, integer: true }),
      gamma: checkNumber(StepLR.className, 'gamma', options.gamma ?? 0.1, { above: 0 }),
    };
    super(StepLR.className, optimizer);
    this.options = config;
    this.initialStep();
  }

  protected computeLr(): number[] {
    const { stepSize, gamma } = this.options;
    const lrs = this.groupLrs();
    if (this.lastEpoch === 0 || this.lastEpoch % stepSize !== 0) return lrs;
    return lrs.map((lr) => lr * gamma);
  }

  protected override closedFormLr(): number[] {
    const { stepSize, gamma } = this.options;
    return this.baseLrs.map((lr) => lr * gamma ** Math.floor(this.lastEpoch / stepSize));
  }
}
