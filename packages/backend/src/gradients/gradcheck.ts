import { grads, mul, sum, type Tensor, tensor, tidy } from '@tensorflow/tfjs-core';
import { Rng } from '../random';

export interface GradCheckOptions {
  /** Finite-difference step. Default `1e-2` (float32: smaller steps drown in rounding). */
  eps?: number;
  /** Seed of the random output weights. Default `0`. */
  seed?: number;
}

export interface GradCheckResult {
  /** max over elements of |numeric − analytic| / (1 + max |analytic| of that input). */
  maxError: number;
  /** Where `maxError` occurred, e.g. `input 1 [5]: numeric 0.31, analytic 0.29`. */
  worst: string;
}

/**
 * Compares the registered gradients of `f` with central finite differences, element by element:
 * loss(xs) = Σ f(xs)·w with fixed random weights w (so every output element counts), and
 * ∂loss/∂xᵢⱼ ≈ (loss(xᵢⱼ + ε) − loss(xᵢⱼ − ε)) / 2ε. Runs f 2·Σ|xᵢ| + 1 times: keep inputs small.
 * Synchronous reads: use on the cpu backend. Keep inputs away from kinks (relu at 0, max ties) by > ε.
 *
 * @example
 * const { maxError } = gradCheck((a, b) => mul(a, b), [rng.normalTensor([3]), rng.normalTensor([3])]);
 * expect(maxError).toBeLessThan(1e-2);
 */
export function gradCheck(
  f: (...xs: Tensor[]) => Tensor,
  xs: Tensor[],
  options: GradCheckOptions = {},
): GradCheckResult {
  const eps = options.eps ?? 1e-2;
  const rng = new Rng(options.seed ?? 0);
  const shape = tidy(() => f(...xs).shape);
  const w = rng.uniformTensor(shape, 0.5, 1.5);
  const loss = (...ts: Tensor[]) => sum(mul(f(...ts), w));
  const analytic = tidy(() => grads(loss)(xs)).map((g) => {
    const v = g.dataSync() as Float32Array;
    g.dispose();
    return v;
  });
  let maxError = 0;
  let worst = '';
  xs.forEach((x, i) => {
    const base = x.dataSync() as Float32Array;
    const a = analytic[i] as Float32Array;
    const scale = 1 + a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    const at = (j: number, delta: number) =>
      tidy(() => {
        const v = Float32Array.from(base);
        v[j] = (v[j] as number) + delta;
        const args = xs.map((t, k) => (k === i ? tensor(v, x.shape) : t));
        return loss(...args).dataSync()[0] as number;
      });
    for (let j = 0; j < base.length; j++) {
      const numeric = (at(j, eps) - at(j, -eps)) / (2 * eps);
      const err = Math.abs(numeric - (a[j] as number)) / scale;
      if (err > maxError) {
        maxError = err;
        worst = `input ${i} [${j}]: numeric ${numeric.toPrecision(5)}, analytic ${(a[j] as number).toPrecision(5)}`;
      }
    }
  });
  w.dispose();
  return { maxError, worst };
}
