import { NormRunningUpdate } from '@convkit/backend';
import {
  add,
  cast,
  engine,
  isFinite as isFiniteTensor,
  logicalAnd,
  logicalNot,
  mul,
  reciprocal,
  reshape,
  scalar,
  sub,
  sum,
  type Tensor,
  type Variable,
  where,
} from '@tensorflow/tfjs-core';

/** Running statistics buffers, as in PyTorch's `_NormBase`. */
export interface RunningStats {
  runningMean: Variable;
  runningVar: Variable;
  /**
   * float32 scalar (exact up to 2^24 batches) so that `loadStateDict`'s float32 cast fits it. Omitted, the
   * count is not advanced (PyTorch's InstanceNorm never advances it) and `momentum` must be a number.
   */
  numBatchesTracked?: Variable;
  /**
   * float32 scalar counting the channel updates skipped so far because the batch's mean or variance
   * was not finite; when given, each update adds its skipped channels to it (convkit's own: the norm
   * layers read it to warn once, it is not part of the state dict).
   */
  skipped?: Variable;
}

/**
 * PyTorch's running-statistics update: running = (1 − f)·running + f·batch, with f = momentum, or
 * f = 1 / numBatchesTracked when momentum is null (cumulative average). The running variance takes the
 * unbiased batch variance var·n/(n − 1), while the forward pass normalizes with the biased one: the
 * running estimate is a population estimate, the forward pass standardizes the batch it sees.
 * `batchMean` and `biasedVariance` hold one value per channel (any shape of C elements); `count` > 1 is the
 * number of values each was computed over.
 *
 * A channel whose batch mean or variance is not finite (one NaN or ±∞ in the batch is enough) keeps its
 * running mean and variance: the update is skipped for it, and counted in `stats.skipped`. PyTorch
 * instead stores the NaN, and since (1 − f)·NaN + f·batch is NaN, that channel's running statistics
 * — and every evaluation-mode output through it — stay NaN for good. `numBatchesTracked` still advances
 * (as PyTorch's does), so with `momentum` null a skipped batch counts as seen.
 */
export function updateRunningStats(
  stats: RunningStats,
  batchMean: Tensor,
  biasedVariance: Tensor,
  count: number,
  momentum: number | null,
): void {
  const f = advance(stats, momentum);
  const keep = sub(1, f);
  const c = stats.runningMean.shape;
  const mean = reshape(batchMean, c);
  const unbiased = reshape(mul(biasedVariance, count / (count - 1)), c);
  const finite = logicalAnd(isFiniteTensor(mean), isFiniteTensor(unbiased));
  const { runningMean, runningVar, skipped } = stats;
  runningMean.assign(where(finite, add(mul(runningMean, keep), mul(mean, f)), runningMean));
  runningVar.assign(where(finite, add(mul(runningVar, keep), mul(unbiased, f)), runningVar));
  if (skipped) skipped.assign(add(skipped, sum(cast(logicalNot(finite), 'float32'))));
}

/** Advances `numBatchesTracked` and returns the weight f of the new batch, kept on the device. */
function advance(stats: RunningStats, momentum: number | null): Tensor {
  const tracked = stats.numBatchesTracked;
  if (tracked) tracked.assign(add(tracked, 1));
  if (momentum === null && !tracked)
    throw new Error('updateRunningStats: momentum null needs numBatchesTracked');
  // f stays on the device (no sync read, which webgpu cannot do in Node).
  return momentum === null ? reciprocal(tracked as Variable) : scalar(momentum);
}

/**
 * {@link updateRunningStats} from the packed statistics of `fusedNormalize` (`stats` [P, C, 3]: shift,
 * residual, biased variance per (p, channel); averaged over p), in one fused kernel per buffer (and one
 * more for `stats.skipped`), with the same skip of non-finite channels.
 */
export function updateRunningStatsFused(
  stats: RunningStats,
  packed: Tensor,
  count: number,
  momentum: number | null,
): void {
  const factor = advance(stats, momentum);
  const attrs = { unbiased: count / (count - 1) };
  const update = (running: Variable, which: 'mean' | 'var') =>
    engine().runKernel(NormRunningUpdate, { running, stats: packed, factor }, { which, ...attrs }) as Tensor;
  stats.runningMean.assign(update(stats.runningMean, 'mean'));
  stats.runningVar.assign(update(stats.runningVar, 'var'));
  const { skipped } = stats;
  if (skipped) {
    const counted = engine().runKernel(
      NormRunningUpdate,
      { running: skipped, stats: packed },
      { which: 'skipped', ...attrs },
    ) as Tensor;
    skipped.assign(reshape(counted, skipped.shape));
  }
}
