import { checkNumber } from '@convkit/backend';
import type { Optimizer } from '../optim/optimizer';
import { checkKeys } from '../options';
import { LrScheduler } from './scheduler';

/** Options of {@link MultiStepLR}. */
export interface MultiStepLROptions {
  /** Steps at which to decay (non-negative integers; a step listed twice decays twice). Required. */
  milestones: readonly number[];
  /** Multiplicative decay. Default 0.1. */
  gamma?: number;
}

/** {@link MultiStepLROptions} resolved (milestones sorted). */
export interface MultiStepLRConfig {
  milestones: number[];
  gamma: number;
}

/**
 * Decays each group's learning rate by `gamma` at each milestone, PyTorch's `MultiStepLR`:
 *
 *   lr_t = base_lr · gamma^(number of milestones ≤ t)
 *
 * Usually stepped once per epoch.
 *
 * @example
 * const schedule = new MultiStepLR(opt, { milestones: [30, 80], gamma: 0.1 });
 */
export class MultiStepLR extends LrScheduler {
  static readonly className = 'MultiStepLR';
  readonly options: MultiStepLRConfig;

  constructor(optimizer: Optimizer, options: MultiStepLROptions) {
    const who = MultiStepLR.className;
    checkKeys(who, options ?? {}, ['milestones', 'gamma']);
    const milestones = options?.milestones;
    if (!Array.isArray(milestones)) {
      throw new Error(`${who}: milestones must be an array of steps, got ${JSON.stringify(milestones)}`);
    }
    milestones.forEach((m, i) => {
      checkNumber(who, `milestones[${i}]`, m, { min: 0, integer: true });
    });
    const config: MultiStepLRConfig = {
      milestones: [...milestones].sort((a, b) => a - b),
      gamma: checkNumber(who, 'gamma', options.gamma ?? 0.1, { above: 0 }),
    };
    super(who, optimizer);
    this.options = config;
    this.initialStep();
  }

  protected computeLr(): number[] {
    const { milestones, gamma } = this.options;
    const lrs = this.groupLrs();
    const hits = milestones.filter((m) => m === this.lastEpoch).length;
    return hits === 0 ? lrs : lrs.map((lr) => lr * gamma ** hits);
  }

  protected override closedFormLr(): number[] {
    const { milestones, gamma } = this.options;
    const passed = milestones.filter((m) => m <= this.lastEpoch).length;
    return this.baseLrs.map((lr) => lr * gamma ** passed);
  }
}
