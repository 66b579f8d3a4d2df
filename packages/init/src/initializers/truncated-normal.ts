import { type Rng, toRng } from '@convkit/backend';
import { type Tensor, tensor } from '@tensorflow/tfjs-core';
import { checkOptions, checkShape } from '../check';

/** Options of `truncatedNormal`. */
export interface TruncatedNormalOptions {
  /** Mean of the untruncated normal (default 0). */
  mean?: number;
  /** Standard deviation of the untruncated normal, > 0 (default 1). */
  std?: number;
  /** Lower cut-off, in absolute units (default -2). */
  a?: number;
  /** Upper cut-off, in absolute units, > a (default 2). */
  b?: number;
}

/**
 * Values drawn from N(mean, std²) conditioned on a <= x <= b, as `torch.nn.init.trunc_normal_`.
 *
 * `a` and `b` are absolute values, not multiples of `std` (as in PyTorch): with `std: 0.02` and the
 * default `a = -2, b = 2` nothing is cut off in practice; pass `a: -2 * std, b: 2 * std` for a 2-σ cut.
 * The standard deviation of the result is smaller than `std` whenever the cut bites
 * (≈ 0.88·std for a symmetric 2-σ cut).
 *
 * Sampling is exact rejection (Robert 1995, "Simulation of truncated normal variables"), so the
 * distribution stays right far in the tails, where inverse-CDF sampling loses precision.
 *
 * @example
 * const w = truncatedNormal([768, 768], 42, { std: 0.02, a: -0.04, b: 0.04 });
 */
export function truncatedNormal(
  shape: readonly number[],
  rng: number | Rng,
  options: TruncatedNormalOptions = {},
): Tensor {
  const size = checkShape(shape, 'truncatedNormal');
  checkOptions('truncatedNormal', options, ['mean', 'std', 'a', 'b']);
  const { mean = 0, std = 1, a = -2, b = 2 } = options;
  if (!Number.isFinite(mean)) throw new Error(`truncatedNormal: mean must be a finite number, got ${mean}`);
  if (!(Number.isFinite(std) && std > 0)) throw new Error(`truncatedNormal: std must be > 0, got ${std}`);
  // a and b may be infinite (a one-sided cut), but not NaN, and the interval must be non-empty.
  if (typeof a !== 'number' || typeof b !== 'number' || Number.isNaN(a) || Number.isNaN(b) || !(a < b)) {
    throw new Error(`truncatedNormal: need a < b, got a=${a}, b=${b}`);
  }
  const r = toRng(rng);
  const lo = (a - mean) / std;
  const hi = (b - mean) / std;
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    // The clamp only absorbs rounding in mean + std·z; z itself lies in [lo, hi].
    out[i] = Math.min(b, Math.max(a, mean + std * standardTruncated(r, lo, hi)));
  }
  return tensor(out, [...shape], 'float32');
}

/**
 * One draw of Z ~ N(0, 1) conditioned on lo <= Z <= hi, by rejection from the cheapest proposal.
 * Every branch accepts with probability above ~0.13, so the loops end quickly.
 */
function standardTruncated(rng: Rng, lo: number, hi: number): number {
  if (lo <= 0 && hi >= 0) {
    if (hi - lo >= 2) {
      // The interval holds at least P(0 <= Z <= 2) ≈ 0.48 of the mass: plain normal rejection.
      for (;;) {
        const z = rng.normal();
        if (z >= lo && z <= hi) return z;
      }
    }
    // Narrow interval around 0: uniform proposal, accept with exp(-z²/2) >= e^-2.
    for (;;) {
      const z = rng.uniform(lo, hi);
      if (rng.uniform() <= Math.exp(-0.5 * z * z)) return z;
    }
  }
  if (hi < 0) return -standardTruncated(rng, -hi, -lo);
  // 0 < lo < hi: a one-sided tail piece.
  if (0.5 * (hi * hi - lo * lo) <= 1) {
    // Uniform proposal on [lo, hi], accept with exp((lo² - z²)/2) >= e^-1.
    for (;;) {
      const z = rng.uniform(lo, hi);
      if (rng.uniform() <= Math.exp(0.5 * (lo * lo - z * z))) return z;
    }
  }
  // Shifted exponential proposal lo + Exp(λ) with Robert's optimal rate; accept with exp(-(z-λ)²/2).
  const lambda = 0.5 * (lo + Math.sqrt(lo * lo + 4));
  for (;;) {
    const z = lo - Math.log(1 - rng.uniform()) / lambda;
    if (z <= hi && rng.uniform() <= Math.exp(-0.5 * (z - lambda) * (z - lambda))) return z;
  }
}
