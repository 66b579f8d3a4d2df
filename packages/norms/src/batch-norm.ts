import type { Tensor } from '@tensorflow/tfjs-core';
import { RunningNorm, type RunningNormOptions } from './running-norm';

/** Options of `BatchNorm`: `numFeatures`; eps 1e-5, momentum 0.1, affine true, trackRunningStats true, fused true. */
export type BatchNormOptions = RunningNormOptions;

/**
 * Batch normalization with PyTorch's semantics, channels last: per channel, over the batch and every
 * spatial position.
 *
 *   y = (x − E[x]) / sqrt(Var[x] + eps) · weight + bias
 *
 * Training (or `trackRunningStats: false`): E and Var (biased) are the batch's, computed over every axis
 * but the last. With tracked statistics, training also updates the buffers as PyTorch does:
 * running = (1 − momentum)·running + momentum·batch, with the unbiased variance, and
 * `numBatchesTracked` += 1. Eval uses `runningMean` / `runningVar`.
 *
 * Options: `numFeatures` (C, required), `eps` (1e-5), `momentum` (0.1; `null` for a cumulative average), `affine` (true),
 * `trackRunningStats` (true), `fused` (true: the backend's fused kernels where it has them, webgpu).
 *
 * Shapes: [N, ..., C] → same (rank ≥ 2). `BatchNorm1d` takes [N, C] or [N, L, C]; `BatchNorm2d` [N, H, W, C].
 *
 * Ioffe & Szegedy, "Batch Normalization", 2015.
 *
 * @example
 * const bn = new BatchNorm2d({ numFeatures: 64 });
 * const y = bn.call(x);       // x: [N, H, W, 64]; updates the running statistics
 * bn.eval(); bn.call(x);      // normalizes with the running statistics
 */
export class BatchNorm extends RunningNorm {
  static readonly className: string = 'BatchNorm';
  /** Input ranks this class accepts (null: any rank ≥ 2), and how PyTorch names them. */
  protected readonly ranks: { ranks: number[]; name: string } | null = null;

  constructor(options: BatchNormOptions) {
    super(options, { affine: true, trackRunningStats: true });
  }

  protected statAxes(rank: number): number[] {
    return Array.from({ length: rank - 1 }, (_, i) => i);
  }

  protected acceptsRank(rank: number): boolean {
    return this.ranks ? this.ranks.ranks.includes(rank) : rank >= 2;
  }

  protected check(x: Tensor, useBatchStats: boolean): void {
    if (!this.acceptsRank(x.rank)) {
      throw new Error(
        `${this.className}: expected ${this.ranks?.name ?? '2D or higher'} input (got ${x.rank}D input)`,
      );
    }
    if (useBatchStats && x.size / x.shape[x.rank - 1] === 1) {
      throw new Error(
        `${this.className}: Expected more than 1 value per channel when training, got input size [${x.shape}]`,
      );
    }
  }
}

/** `BatchNorm` over [N, C] or [N, L, C] (PyTorch's BatchNorm1d, channels last). */
export class BatchNorm1d extends BatchNorm {
  static override readonly className = 'BatchNorm1d';
  protected override readonly ranks = { ranks: [2, 3], name: '2D or 3D' };
}

/** `BatchNorm` over [N, H, W, C] (PyTorch's BatchNorm2d, channels last). */
export class BatchNorm2d extends BatchNorm {
  static override readonly className = 'BatchNorm2d';
  protected override readonly ranks = { ranks: [4], name: '4D' };
}
