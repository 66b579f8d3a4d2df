import type { NormView } from '@convkit/backend';
import { Module, type ModuleConfig } from '@convkit/core';
import { mean, ones, reshape, scalar, type Tensor, tidy, type Variable, zeros } from '@tensorflow/tfjs-core';
import { fusedNormalize, fusedNormalizeWith } from './fused';
import { normalize, normalizeWith } from './moments';
import { updateRunningStats, updateRunningStatsFused } from './running-stats';

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
   * Run on the backend's fused normalization kernels where it has them (webgpu: 5 to 7 GPU launches per
   * training step instead of 29 to 44); false forces the composed ops. Same values either way (default true).
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
    return tidy(() => {
      if (!useBatchStats && runningMean && runningVar) {
        const { eps, weight, bias } = this;
        const fused = this.fused ? fusedNormalizeWith(x, runningMean, runningVar, eps, weight, bias) : null;
        return fused ?? normalizeWith(x, runningMean, runningVar, eps, weight, bias);
      }
      const axes = this.statAxes(x.rank);
      // The buffers training updates, when it tracks them.
      const running =
        this.training && runningMean && runningVar && numBatchesTracked
          ? { runningMean, runningVar, numBatchesTracked: this.countsBatches ? numBatchesTracked : undefined }
          : undefined;
      // The statistic axes are a block just before the channels: x is [P, R, C, 1] for the kernels.
      const count = axes.reduce((n, a) => n * x.shape[a], 1);
      const view: NormView = [x.size / (count * this.numFeatures), count, this.numFeatures, 1];
      const fused = this.fused
        ? fusedNormalize(x, axes, this.eps, { weight: this.weight, bias: this.bias, view })
        : null;
      if (fused) {
        if (running) updateRunningStatsFused(running, fused.stats, count, this.momentum);
        return fused.y;
      }
      const onStats = running
        ? (m: Tensor, v: Tensor, n: number) => {
            // Per-channel values: average the statistics over every remaining non-channel axis
            // (the batch axis for InstanceNorm; nothing left for BatchNorm).
            const rest = Array.from({ length: x.rank - 1 }, (_, i) => i);
            const c = [this.numFeatures];
            updateRunningStats(
              running,
              reshape(mean(m, rest), c),
              reshape(mean(v, rest), c),
              n,
              this.momentum,
            );
          }
        : undefined;
      return normalize(x, axes, this.eps, { weight: this.weight, bias: this.bias, onStats, fused: false });
    });
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
