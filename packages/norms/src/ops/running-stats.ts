import { NormRunningUpdate } from '@convkit/backend';
import {
  add,
  engine,
  mul,
  reciprocal,
  reshape,
  scalar,
  sub,
  type Tensor,
  type Variable,
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
}

/**
 * PyTorch's running-statistics update: running = (1 − f)·running + f·batch, with f = momentum, or
 * f = 1 / numBatchesTracked when momentum is null (cumulative average). The running variance takes the
 * unbiased batch variance var·n/(n − 1), while the forward pass normalizes with the biased one: the
 * running estimate is a population estimate, the forward pass standardizes the batch it sees.
 * `batchMean` and `biasedVariance` hold one value per channel (any shape of C elements); `count` > 1 is the
 * number of values each was computed over.
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
  const unbiased = mul(biasedVariance, count / (count - 1));
  const c = stats.runningMean.shape;
  stats.runningMean.assign(add(mul(stats.runningMean, keep), mul(reshape(batchMean, c), f)));
  stats.runningVar.assign(add(mul(stats.runningVar, keep), mul(reshape(unbiased, c), f)));
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
 * residual, biased variance per (p, channel); averaged over p), in one fused kernel per buffer.
 */
export function updateRunningStatsFused(
  stats: RunningStats,
  packed: Tensor,
  count: number,
  momentum: number | null,
): void {
  const factor = advance(stats, momentum);
  const update = (running: Variable, which: 'mean' | 'var') =>
    engine().runKernel(
      NormRunningUpdate,
      { running, stats: packed, factor },
      { which, unbiased: which === 'var' ? count / (count - 1) : 1 },
    ) as Tensor;
  stats.runningMean.assign(update(stats.runningMean, 'mean'));
  stats.runningVar.assign(update(stats.runningVar, 'var'));
}
