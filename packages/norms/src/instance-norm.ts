import type { Tensor } from '@tensorflow/tfjs-core';
import { RunningNorm, type RunningNormOptions } from './running-norm';

/** Options of `InstanceNorm2d`: `numFeatures`; eps 1e-5, momentum 0.1, affine false, trackRunningStats false. */
export type InstanceNormOptions = RunningNormOptions;

/**
 * Instance normalization with PyTorch's semantics, channels last: per sample and per channel, over H, W.
 *
 *   y[n, :, :, c] = (x − mean_{h,w}) / sqrt(var_{h,w} + eps) · weight[c] + bias[c]   (biased variance)
 *
 * With `trackRunningStats`, training updates running statistics with the batch average of the
 * per-instance mean and unbiased variance (PyTorch's rule; `numBatchesTracked` stays 0 as in PyTorch),
 * and eval normalizes with them; without it
 * (the default) the instance statistics are used in both modes.
 *
 * Options: `numFeatures` (C, required), `eps` (1e-5), `momentum` (0.1), `affine` (false), `trackRunningStats` (false),
 * `fused` (true).
 *
 * Shapes: [N, H, W, C] → same.
 *
 * Ulyanov, Vedaldi & Lempitsky, "Instance Normalization", 2016.
 *
 * @example
 * const norm = new InstanceNorm2d({ numFeatures: 64, affine: true });
 * const y = norm.call(x); // x: [N, H, W, 64]
 */
export class InstanceNorm2d extends RunningNorm {
  static readonly className = 'InstanceNorm2d';

  protected override readonly countsBatches = false;

  constructor(options: InstanceNormOptions) {
    super(options, { affine: false, trackRunningStats: false });
    if (this.options.momentum === null)
      throw new Error(
        `${this.className}: momentum must be a number (PyTorch has no cumulative average here)`,
      );
  }

  protected statAxes(rank: number): number[] {
    return Array.from({ length: rank - 2 }, (_, i) => i + 1);
  }

  protected acceptsRank(rank: number): boolean {
    return rank === 4;
  }

  protected check(x: Tensor, useBatchStats: boolean): void {
    if (!this.acceptsRank(x.rank))
      throw new Error(`${this.className}: expected 4D input (got ${x.rank}D input)`);
    const [, h, w] = x.shape as number[];
    if (useBatchStats && h * w === 1) {
      throw new Error(
        `${this.className}: Expected more than 1 spatial element when training, got input size [${x.shape}]`,
      );
    }
  }
}
