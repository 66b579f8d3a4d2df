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
  static readonly className = 'CosineAnnealingLR';
  readonly options: Required<CosineAnnealingLROptions>;

  constructor(optimizer: Optimizer, options: CosineAnnealingLROptions) {
    const who = CosineAnnealingLR.className;
    checkKeys(who, options ?? {}, ['tMax', 'etaMin']);
    const config = {
      tMax: checkNumber(who, 'tMax', options?.tMax, { above: 0 }),
      etaMin: checkNumber(who, 'etaMin', options.etaMin ?? 0, { min: 0 }),
    };
    super(who, optimizer);
    this.options = config;
    this.initialStep();
  }

  protected computeLr(): number[] {
    const { tMax, etaMin } = this.options;
    const t = this.lastEpoch;
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
    const { tMax, etaMin } = this.options;
    return this.baseLrs.map(
      (lr) => etaMin + ((lr - etaMin) * (1 + Math.cos((Math.PI * this.lastEpoch) / tMax))) / 2,
    );
  }
}
