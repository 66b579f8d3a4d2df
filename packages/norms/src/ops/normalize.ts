import { mean, reshape, type Tensor } from '@tensorflow/tfjs-core';
import { fusedNormalize, fusedNormalizeWith } from './fused';
import { composedNormalize, normalizeWith } from './moments';
import { type RunningStats, updateRunningStats, updateRunningStatsFused } from './running-stats';

/** Options of {@link normalize}. */
export interface NormalizeOptions {
  /** Scale, broadcast against x's trailing axes (e.g. [C], [H, W, C], or [G, C/G] for grouped input). */
  weight?: Tensor;
  /** Shift, same shape as `weight`. */
  bias?: Tensor;
  /**
   * Running statistics of the channels (x's last axis) and the momentum of their update (BatchNorm,
   * InstanceNorm with `trackRunningStats`). In training they are updated from the batch (PyTorch's rule,
   * see `updateRunningStats`); out of training x is normalized with them instead of its own statistics.
   * The statistic axes must then be a block just before the channels.
   */
  running?: { stats: RunningStats; momentum: number | null };
  /**
   * With `running`: true (default) normalizes with the batch statistics and updates `running`; false
   * normalizes with `running`'s mean and variance (PyTorch's `training` of `F.batch_norm`). Without
   * `running` the batch statistics are used either way.
   */
  training?: boolean;
  /**
   * Receives the batch statistics (keepDims shapes) and their count; must not keep references.
   * Takes the composed path (the fused kernels do not produce them in that form).
   */
  onStats?: (mean: Tensor, variance: Tensor, count: number) => void;
  /**
   * Use the backend's fused normalization kernels where it has them (webgpu) (default true): the same
   * values in fewer GPU launches. false forces the composed tfjs ops.
   */
  fused?: boolean;
}

/**
 * The normalization op under every norm layer: normalizes `x` over `axes` and applies the affine step,
 * with the batch's statistics (or, out of training, the running ones), and keeps the running
 * statistics up to date.
 *
 *   y = (x − mean) / sqrt(var + eps) · weight + bias     (biased variance over `axes`)
 *   running ← (1 − momentum)·running + momentum·batch    (unbiased variance; in training, with `running`)
 *
 * It decides here, once per call, between the backend's fused kernels (`fusedNormalize`,
 * `fusedNormalizeWith`, `updateRunningStatsFused`: webgpu) and the composed tfjs ops
 * (`composedNormalize`, `normalizeWith`, `updateRunningStats`: every backend), which give the same
 * values; the fused path needs float32 input, axes with a [P, R, Q, T] layout and parameters that are a
 * trailing block of x, and falls back otherwise. Layers call this and nothing below it.
 *
 * Shapes: x any rank; `weight`/`bias` broadcast against x's trailing axes; `running` buffers [C].
 *
 * @example
 * const y = normalize(x, [0, 1, 2], 1e-5, { weight, bias });                     // LayerNorm-like
 * const z = normalize(x, [0, 1, 2], 1e-5, { weight, bias, running, training });  // BatchNorm2d
 */
export function normalize(x: Tensor, axes: number[], eps: number, options: NormalizeOptions = {}): Tensor {
  const { weight, bias, running, onStats } = options;
  const fused = options.fused ?? true;
  if (running && !(options.training ?? true)) {
    const { runningMean, runningVar } = running.stats;
    return (
      (fused ? fusedNormalizeWith(x, runningMean, runningVar, eps, weight, bias) : null) ??
      normalizeWith(x, runningMean, runningVar, eps, weight, bias)
    );
  }
  const count = axes.reduce((n, a) => n * x.shape[a < 0 ? a + x.rank : a], 1);
  // The running update reads the fused kernels' packed statistics per channel: Q must be the channels.
  const view = running && channelView(x, axes, count);
  if (fused && !onStats) {
    const out = fusedNormalize(x, axes, eps, { weight, bias, view });
    if (out) {
      if (running) updateRunningStatsFused(running.stats, out.stats, count, running.momentum);
      out.stats.dispose();
      return out.y;
    }
  }
  const collect = running
    ? (m: Tensor, v: Tensor, n: number) => {
        onStats?.(m, v, n);
        // Per-channel values: average the statistics over every remaining non-channel axis
        // (the batch axis for InstanceNorm; nothing left for BatchNorm).
        const rest = Array.from({ length: x.rank - 1 }, (_, i) => i);
        const c = [x.shape[x.rank - 1]];
        const perChannel = (t: Tensor) => reshape(mean(t, rest), c);
        updateRunningStats(running.stats, perChannel(m), perChannel(v), n, running.momentum);
      }
    : onStats;
  return composedNormalize(x, axes, eps, { weight, bias, onStats: collect });
}

/**
 * x as the fused kernels' [P, R, C, 1] view when the statistic axes are a block just before the
 * channels (the last axis), as running statistics need.
 */
function channelView(x: Tensor, axes: number[], count: number): [number, number, number, number] {
  const sorted = axes.map((a) => (a < 0 ? a + x.rank : a)).sort((a, b) => a - b);
  const block = sorted.every((a, i) => a === x.rank - 1 - sorted.length + i);
  if (!block || sorted.length === 0) {
    throw new Error(
      `normalize: running statistics need the statistic axes to be a block just before the channels (the last axis), got [${axes}] for input [${x.shape}]`,
    );
  }
  const channels = x.shape[x.rank - 1];
  return [x.size / (count * channels), count, channels, 1];
}
