import type { Rng } from '@convkit/backend';
import {
  clone,
  concat,
  gather,
  type Tensor,
  type Tensor4D,
  tensor,
  tensor1d,
  tidy,
} from '@tensorflow/tfjs-core';
import { select01 } from './mask';

/** One Bernoulli(p) draw per sample, in sample order: 1 = apply. */
export function drawMask(rng: Rng, batch: number, p: number): Uint8Array {
  const m = new Uint8Array(batch);
  for (let b = 0; b < batch; b++) m[b] = rng.uniform() < p ? 1 : 0;
  return m;
}

/** One Uniform[lo, hi) draw per sample. */
export function drawUniform(rng: Rng, batch: number, lo: number, hi: number): Float32Array {
  const v = new Float32Array(batch);
  for (let b = 0; b < batch; b++) v[b] = rng.uniform(lo, hi);
  return v;
}

/** A per-sample scalar as a `[B, 1, 1, 1]` tensor, broadcasting over H, W, C. */
export function perSample(values: ArrayLike<number>): Tensor4D {
  return tensor(Float32Array.from(values), [values.length, 1, 1, 1]) as Tensor4D;
}

/** `a[b]` where `mask[b]` is 1, else `x[b]` (exact for finite values); `a` is not computed when no sample is selected. */
export function selectSamples(mask: Uint8Array, a: () => Tensor4D, x: Tensor4D): Tensor4D {
  let n = 0;
  for (const m of mask) n += m;
  if (n === 0) return clone(x);
  if (n === mask.length) return a();
  return select01(mask, [mask.length, 1, 1, 1], a(), x) as Tensor4D;
}

/**
 * Applies `fn` only to the samples with `mask[b] = 1` and puts the results back in place:
 * gather the subset, run `fn` on it, concatenate with the untouched rest and undo the permutation.
 * Costs two gathers; saves running `fn` on samples that would be thrown away.
 */
export function applyToSubset(x: Tensor4D, mask: Uint8Array, fn: (sub: Tensor4D) => Tensor4D): Tensor4D {
  return tidy(() => {
    const on: number[] = [];
    const off: number[] = [];
    for (const [b, m] of mask.entries()) (m ? on : off).push(b);
    if (on.length === 0) return clone(x);
    if (off.length === 0) return fn(x);
    const done = fn(gather(x, tensor1d(on, 'int32'), 0) as Tensor4D);
    const rest = gather(x, tensor1d(off, 'int32'), 0);
    const order = [...on, ...off];
    const inverse = new Int32Array(order.length);
    order.forEach((b, k) => {
      inverse[b] = k;
    });
    return gather(concat([done, rest] as Tensor[], 0), tensor1d(inverse, 'int32'), 0) as Tensor4D;
  });
}
