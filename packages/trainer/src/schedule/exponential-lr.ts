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
  readonly gamma: number;

  constructor(optimizer: Optimizer, options: ExponentialLROptions) {
    checkKeys('ExponentialLR', options ?? {}, ['gamma']);
    const gamma = checkNumber('ExponentialLR', 'gamma', options?.gamma, { above: 0 });
    super('ExponentialLR', optimizer);
    this.gamma = gamma;
    this.initialStep();
  }

  protected computeLr(): number[] {
    const lrs = this.groupLrs();
    return this.lastEpoch === 0 ? lrs : lrs.map((lr) => lr * this.gamma);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((lr) => lr * this.gamma ** this.lastEpoch);
  }
}
