import { checkNumber } from '@convkit/backend';
import type { Optimizer } from '../optim/optimizer';
import { checkKeys } from '../options';
import { LrScheduler } from './scheduler';

/** Options of {@link CosineAnnealingLR}. */
export interface CosineAnnealingLROptions {
  /** Steps of the half cosine, from the base rate down to `etaMin`. Required (> 0). */
  tMax: number;
  /** The lowest learning rate. Default 0. */
  etaMin?: number;
}

/**
 * Anneals each group's learning rate along a half cosine from its base rate to `etaMin` over `tMax`
 * steps, PyTorch's `CosineAnnealingLR` (SGDR without restarts, Loshchilov & Hutter):
 *
 *   lr_t = etaMin + (base_lr − etaMin) · (1 + cos(π·t / tMax)) / 2
 *
 * computed as PyTorch does, chainably from the current rate (so it composes with other schedules).
 * Past tMax it climbs back (the cosine continues); stop stepping or size tMax to the run. Per batch
 * (tMax = total batches) or per epoch.
 *
 * @example
 * // linear warm-up for 5 epochs, then cosine to 0 over the remaining 95:
 * const schedule = new SequentialLR(opt, [
 *   new LinearLR(opt, { startFactor: 0.01, totalIters: 5 }),
 *   new CosineAnnealingLR(opt, { tMax: 95 }),
 * ], { milestones: [5] });
 */
export class CosineAnnealingLR extends LrScheduler {
  readonly tMax: number;
  readonly etaMin: number;

  constructor(optimizer: Optimizer, options: CosineAnnealingLROptions) {
    checkKeys('CosineAnnealingLR', options ?? {}, ['tMax', 'etaMin']);
    const tMax = checkNumber('CosineAnnealingLR', 'tMax', options?.tMax, { above: 0 });
    const etaMin = checkNumber('CosineAnnealingLR', 'etaMin', options.etaMin ?? 0, { min: 0 });
    super('CosineAnnealingLR', optimizer);
    this.tMax = tMax;
    this.etaMin = etaMin;
    this.initialStep();
  }

  protected computeLr(): number[] {
    const { lastEpoch: t, tMax, etaMin } = this;
    const lrs = this.groupLrs();
    if (t === 0) return lrs;
    if ((t - 1 - tMax) % (2 * tMax) === 0) {
      return lrs.map((lr, i) => lr + ((this.baseLrs[i] - etaMin) * (1 - Math.cos(Math.PI / tMax))) / 2);
    }
    return lrs.map(
      (lr) =>
        ((1 + Math.cos((Math.PI * t) / tMax)) / (1 + Math.cos((Math.PI * (t - 1)) / tMax))) * (lr - etaMin) +
        etaMin,
    );
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map(
      (lr) => this.etaMin + ((lr - this.etaMin) * (1 + Math.cos((Math.PI * this.lastEpoch) / this.tMax))) / 2,
    );
  }
}
