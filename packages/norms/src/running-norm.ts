import { BRAND, checkNumber, checkOptions, readsSync } from '@convkit/backend';
import type { ChannelAffine } from '@convkit/core';
import {
  add,
  mul,
  neg,
  ones,
  rsqrt,
  scalar,
  sub,
  type Tensor,
  tidy,
  type Variable,
  variable,
  zeros,
} from '@tensorflow/tfjs-core';
import { Norm, type NormOptions, resolveNormOptions } from './norm';
import { normalize } from './ops/normalize';

/** Options shared by BatchNorm and InstanceNorm (PyTorch's `_NormBase`), and `eps` and `fused`. */
export interface RunningNormOptions extends NormOptions {
  /** C, the number of channels (last axis). */
  numFeatures: number;
  /** Weight of the new batch in the running average, in [0, 1] (default 0.1); `null` → cumulative average. */
  momentum?: number | null;
  /** Learnable per-channel `weight` (init 1) and `bias` (init 0). */
  affine?: boolean;
  /** Keep `runningMean` / `runningVar` / `numBatchesTracked` buffers and normalize with them in eval. */
  trackRunningStats?: boolean;
}

/** The resolved options of BatchNorm and InstanceNorm: every default filled in. */
export type RunningNormConfig = Required<RunningNormOptions>;

/** Training steps between two reads of the skipped-update count where reads are asynchronous (webgpu). */
export const SKIP_READ_EVERY = 20;

/**
 * Base of the norms with running statistics (BatchNorm, InstanceNorm): per-channel affine parameters,
 * running buffers, and the train/eval switch. Subclasses choose the reduction axes and the input checks.
 * Channels are the last axis (NHWC).
 *
 * Non-finite batches: a channel whose batch mean or variance is NaN or ±∞ (one NaN element in the batch
 * is enough) keeps its running statistics, and the layer warns once (`console.warn`), the first time it
 * sees such a batch. PyTorch instead copies the NaN into `running_mean`/`running_var`, where it stays for
 * good ((1 − m)·NaN + m·x is NaN) and turns every evaluation-mode output of that channel into NaN.
 * The batch's own output is still NaN in both (it is normalized with its own statistics). The count is
 * read after each training step on cpu and wasm, and every 20 steps on webgpu (asynchronously).
 */
export abstract class RunningNorm extends Norm implements ChannelAffine {
  /** Checked by `instanceof RunningNorm` across the ESM and CJS builds (see `Module`). */
  static override readonly [BRAND]: string = '@convkit/norms.RunningNorm';
  override readonly options: RunningNormConfig;
  readonly weight?: Variable;
  readonly bias?: Variable;
  readonly runningMean?: Variable;
  readonly runningVar?: Variable;
  readonly numBatchesTracked?: Variable;
  /** Channel updates skipped for non-finite batch statistics, until the warning (not in the state dict). */
  private readonly skipped?: Variable;
  private skipWarned = false;
  private skipRead = false;
  private trainingSteps = 0;

  constructor(options: RunningNormOptions, defaults: { affine: boolean; trackRunningStats: boolean }) {
    super();
    checkOptions(this.className, options, ['numFeatures']);
    const numFeatures = options.numFeatures;
    if (!Number.isInteger(numFeatures) || numFeatures < 1) {
      throw new Error(`${this.className}: numFeatures must be a positive integer, got ${numFeatures}`);
    }
    const { eps, fused } = resolveNormOptions(this.className, options);
    const momentum =
      options.momentum === null
        ? null
        : checkNumber(this.className, 'momentum', options.momentum ?? 0.1, { min: 0, max: 1 });
    this.options = {
      numFeatures,
      eps,
      momentum,
      affine: options.affine ?? defaults.affine,
      trackRunningStats: options.trackRunningStats ?? defaults.trackRunningStats,
      fused,
    };
    if (this.options.affine) {
      this.weight = this.addParameter('weight', ones([numFeatures]));
      this.bias = this.addParameter('bias', zeros([numFeatures]));
    }
    if (this.options.trackRunningStats) {
      this.runningMean = this.addBuffer('runningMean', zeros([numFeatures]));
      this.runningVar = this.addBuffer('runningVar', ones([numFeatures]));
      this.numBatchesTracked = this.addBuffer('numBatchesTracked', scalar(0));
      this.skipped = tidy(() => variable(scalar(0), false)); // tidy frees the scalar, keeps the variable
    }
  }

  /** @deprecated Read `options.numFeatures`. */
  get numFeatures(): number {
    return this.options.numFeatures;
  }

  /** @deprecated Read `options.eps`. */
  get eps(): number {
    return this.options.eps;
  }

  /** @deprecated Read `options.momentum`. */
  get momentum(): number | null {
    return this.options.momentum;
  }

  /** @deprecated Read `options.affine`. */
  get affine(): boolean {
    return this.options.affine;
  }

  /** @deprecated Read `options.trackRunningStats`. */
  get trackRunningStats(): boolean {
    return this.options.trackRunningStats;
  }

  /** @deprecated Read `options.fused`. */
  get fused(): boolean {
    return this.options.fused;
  }

  /** Whether training advances `numBatchesTracked` (BatchNorm does; PyTorch's InstanceNorm does not). */
  protected readonly countsBatches: boolean = true;

  /** Axes the batch statistics reduce over, for an input of rank `rank`. */
  protected abstract statAxes(rank: number): number[];

  /** Throws PyTorch's error for an input this norm cannot handle (rank, channels, statistics size). */
  protected abstract check(x: Tensor, useBatchStats: boolean): void;

  /** Whether this norm takes inputs of rank `rank` (what `check` tests first). */
  protected abstract acceptsRank(rank: number): boolean;

  /**
   * `ChannelAffine` (@convkit/core): in evaluation mode with running statistics this norm is
   * y = x·scale + shift per channel, which a `Sequential` folds into the convolution before it.
   * The inputs are the running statistics and the affine parameters; `null` in training mode,
   * without running statistics, or for an input `forward` would reject.
   */
  channelAffineInputs(rank: number, channels: number): readonly Tensor[] | null {
    const { runningMean, runningVar, weight, bias } = this;
    if (this.training || !runningMean || !runningVar) return null;
    if (channels !== this.options.numFeatures || !this.acceptsRank(rank)) return null;
    return [runningMean, runningVar, ...(weight ? [weight] : []), ...(bias ? [bias] : [])];
  }

  /** scale = weight / sqrt(runningVar + eps), shift = bias − runningMean·scale, each [C]. */
  channelAffine(): { scale: Tensor; shift: Tensor } {
    const { runningMean, runningVar, weight, bias } = this;
    if (!runningMean || !runningVar) {
      throw new Error(`${this.className}.channelAffine: needs running statistics (trackRunningStats: true)`);
    }
    return tidy(() => {
      const inv = rsqrt(add(runningVar, this.options.eps));
      const scale = weight ? mul(inv, weight) : inv;
      const shifted = mul(runningMean, scale);
      return { scale, shift: bias ? sub(bias, shifted) : neg(shifted) };
    });
  }

  forward(x: Tensor): Tensor {
    const useBatchStats = this.training || !this.options.trackRunningStats;
    this.check(x, useBatchStats);
    if (x.shape[x.rank - 1] !== this.options.numFeatures) {
      throw new Error(
        `${this.className}: expected ${this.options.numFeatures} channels in the last axis (NHWC), got input of shape [${x.shape}]`,
      );
    }
    const { runningMean, runningVar, numBatchesTracked } = this;
    // Count skipped channel updates until the warning, except while a read of the count is on its way.
    const counting = this.training && !this.skipWarned && !this.skipRead;
    // Tracked buffers: updated in training, normalized with in eval.
    const running =
      runningMean && runningVar && numBatchesTracked
        ? {
            stats: {
              runningMean,
              runningVar,
              numBatchesTracked: this.countsBatches ? numBatchesTracked : undefined,
              skipped: counting ? this.skipped : undefined,
            },
            momentum: this.options.momentum,
          }
        : undefined;
    const y = tidy(() =>
      normalize(x, this.statAxes(x.rank), this.options.eps, {
        weight: this.weight,
        bias: this.bias,
        running,
        training: this.training,
        fused: this.options.fused,
      }),
    );
    if (running && counting) this.checkSkipped();
    return y;
  }

  /** Warns once when the count of skipped updates is positive: read now (cpu, wasm) or soon (webgpu). */
  private checkSkipped(): void {
    const skipped = this.skipped as Variable;
    if (readsSync()) {
      if ((skipped.dataSync()[0] as number) > 0) this.warnSkipped();
      return;
    }
    if (this.trainingSteps++ % SKIP_READ_EVERY !== 0) return;
    // The count is not reassigned while this read is on its way (see `counting`), so the read needs no
    // copy of it; a read that fails (the layer was disposed meanwhile) only means no warning.
    this.skipRead = true;
    skipped.data().then(
      (n) => {
        this.skipRead = false;
        if ((n[0] as number) > 0) this.warnSkipped();
      },
      () => {
        this.skipRead = false;
      },
    );
  }

  private warnSkipped(): void {
    this.skipWarned = true;
    console.warn(
      `convkit: ${this.className}(${this.options.numFeatures}): a training batch had non-finite statistics ` +
        '(NaN or ±Infinity) in some channels; their running mean and variance were left as they were ' +
        '(PyTorch would store the NaN for good). Look for NaN in the inputs or a diverging loss ' +
        '(valueAndGrads { checkFinite: true } stops there). Said once per layer.',
    );
  }

  /** Disposes the parameters, the buffers and the skipped-update count. */
  override dispose(): void {
    this.skipped?.dispose();
    super.dispose();
  }
}
