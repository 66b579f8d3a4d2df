import { Module, type ModuleConfig } from '@convkit/core';
import { ones, scalar, type Tensor, tidy, type Variable, zeros } from '@tensorflow/tfjs-core';
import { normalize } from './ops/normalize';

/** Options shared by BatchNorm and InstanceNorm (PyTorch's `_NormBase`). */
export interface RunningNormOptions {
  /** C, the number of channels (last axis). */
  numFeatures: number;
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
  /** Weight of the new batch in the running average (default 0.1); `null` → cumulative average. */
  momentum?: number | null;
  /** Learnable per-channel `weight` (init 1) and `bias` (init 0). */
  affine?: boolean;
  /** Keep `runningMean` / `runningVar` / `numBatchesTracked` buffers and normalize with them in eval. */
  trackRunningStats?: boolean;
  /**
   * Run on the backend's fused normalization kernels where it has them (webgpu: fewer GPU launches,
   * see bench/RESULTS.md); false forces the composed ops. Same values either way (default true).
   */
  fused?: boolean;
}

/**
 * Base of the norms with running statistics (BatchNorm, InstanceNorm): per-channel affine parameters,
 * running buffers, and the train/eval switch. Subclasses choose the reduction axes and the input checks.
 * Channels are the last axis (NHWC).
 */
export abstract class RunningNorm extends Module {
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  readonly fused: boolean;
  readonly numFeatures: number;
  readonly weight?: Variable;
  readonly bias?: Variable;
  readonly runningMean?: Variable;
  readonly runningVar?: Variable;
  readonly numBatchesTracked?: Variable;

  constructor(options: RunningNormOptions, defaults: { affine: boolean; trackRunningStats: boolean }) {
    super();
    const numFeatures = options.numFeatures;
    this.numFeatures = numFeatures;
    if (!Number.isInteger(numFeatures) || numFeatures < 1) {
      throw new Error(`${this.className}: numFeatures must be a positive integer, got ${numFeatures}`);
    }
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum === undefined ? 0.1 : options.momentum;
    this.affine = options.affine ?? defaults.affine;
    this.trackRunningStats = options.trackRunningStats ?? defaults.trackRunningStats;
    this.fused = options.fused ?? true;
    if (this.affine) {
      this.weight = this.addParameter('weight', ones([numFeatures]));
      this.bias = this.addParameter('bias', zeros([numFeatures]));
    }
    if (this.trackRunningStats) {
      this.runningMean = this.addBuffer('runningMean', zeros([numFeatures]));
      this.runningVar = this.addBuffer('runningVar', ones([numFeatures]));
      this.numBatchesTracked = this.addBuffer('numBatchesTracked', scalar(0));
    }
  }

  /** Whether training advances `numBatchesTracked` (BatchNorm does; PyTorch's InstanceNorm does not). */
  protected readonly countsBatches: boolean = true;

  /** Axes the batch statistics reduce over, for an input of rank `rank`. */
  protected abstract statAxes(rank: number): number[];

  /** Throws PyTorch's error for an input this norm cannot handle (rank, channels, statistics size). */
  protected abstract check(x: Tensor, useBatchStats: boolean): void;

  forward(x: Tensor): Tensor {
    const useBatchStats = this.training || !this.trackRunningStats;
    this.check(x, useBatchStats);
    if (x.shape[x.rank - 1] !== this.numFeatures) {
      throw new Error(
        `${this.className}: expected ${this.numFeatures} channels in the last axis (NHWC), got input of shape [${x.shape}]`,
      );
    }
    const { runningMean, runningVar, numBatchesTracked } = this;
    // Tracked buffers: updated in training, normalized with in eval.
    const running =
      runningMean && runningVar && numBatchesTracked
        ? {
            stats: {
              runningMean,
              runningVar,
              numBatchesTracked: this.countsBatches ? numBatchesTracked : undefined,
            },
            momentum: this.momentum,
          }
        : undefined;
    return tidy(() =>
      normalize(x, this.statAxes(x.rank), this.eps, {
        weight: this.weight,
        bias: this.bias,
        running,
        training: this.training,
        fused: this.fused,
      }),
    );
  }

  /** Names of this module's parameters an optimizer should not decay (see @convkit/regularization). */
  noWeightDecay(): string[] {
    return ['weight', 'bias'];
  }

  override toConfig(): ModuleConfig {
    return {
      className: this.className,
      config: {
        numFeatures: this.numFeatures,
        eps: this.eps,
        momentum: this.momentum,
        affine: this.affine,
        trackRunningStats: this.trackRunningStats,
        fused: this.fused,
      },
    };
  }
}
