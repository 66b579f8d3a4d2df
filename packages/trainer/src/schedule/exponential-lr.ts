import { checkNumber } from '@convkit/backend';
import type { Optimizer } from '../optim/optimizer';
import { checkKeys } from '../options';
import { LrScheduler } from './scheduler';

/** Options of {@link ExponentialLR}. */
export interface ExponentialLROptions {
  /** Multiplicative decay per step. Required. */
  gamma: number;
}

/**
 * Decays each group's learning rate by `gamma` every step, PyTorch's `ExponentialLR`:
 *
 *   lr_t = base_lr · gamma^t
 *
 * @example
 * const schedule = new ExponentialLR(opt, { gamma: 0.95 }); // per epoch
 */
export class ExponentialLR extends LrScheduler {
  static readonly className = 'ExponentialLR';
  readonly options: Required<ExponentialLROptions>;

  constructor(optimizer: Optimizer, options: ExponentialLROptions) {
    checkKeys(ExponentialLR.className, options ?? {}, ['gamma']);
    const gamma = checkNumber(ExponentialLR.className, 'gamma', options?.gamma, { above: 0 });
    super(ExponentialLR.className, optimizer);
    this.options = { gamma };
    this.initialStep();
  }

  protected computeLr(): number[] {
    const lrs = this.groupLrs();
    return this.lastEpoch === 0 ? lrs : lrs.map((lr) => lr * this.options.gamma);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((lr) => lr * this.options.gamma ** this.lastEpoch);
  }
}
