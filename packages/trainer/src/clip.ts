import { checkNumber } from '@convkit/backend';
import {
  abs,
  add,
  clipByValue,
  div,
  keep,
  max,
  minimum,
  mul,
  pow,
  type Scalar,
  scalar,
  sqrt,
  square,
  stack,
  sum,
  type Tensor,
  tidy,
} from '@tensorflow/tfjs-core';
import { show } from './options';

/** Options of {@link clipGradNorm}. */
export interface ClipGradNormOptions {
  /** The p of the p-norm: any p > 0, or `Infinity` for the largest absolute value. Default 2. */
  normType?: number;
}

/** What {@link clipGradNorm} returns; the caller disposes both. */
export interface ClippedGrads {
  /** The gradients, scaled by the clipping coefficient (by the same names). */
  grads: Record<string, Tensor>;
  /** The norm of all gradients together, as one vector, before clipping: a scalar tensor. */
  totalNorm: Scalar;
}

/** The p-norm of all of `t`'s values (p = Infinity: the largest absolute value). */
function pNorm(t: Tensor, p: number): Scalar {
  if (p === Number.POSITIVE_INFINITY) return max(abs(t)) as Scalar;
  if (p === 2) return sqrt(sum(square(t))) as Scalar;
  if (p === 1) return sum(abs(t)) as Scalar;
  return pow(sum(pow(abs(t), p)), 1 / p) as Scalar;
}

/**
 * Scales the gradients down so that their total norm is at most `maxNorm`, PyTorch's
 * `torch.nn.utils.clip_grad_norm_`: the total norm is the p-norm of the gradients' own p-norms (their
 * norm as one concatenated vector), and every gradient is multiplied by
 *
 *   coef = min(1, maxNorm / (totalNorm + 1e-6)).
 *
 * Like PyTorch it stays on the device — no read-back, so no synchronization on a GPU: the total norm
 * is returned as a scalar tensor (read it with `await totalNorm.data()` to log it or to stop on a
 * non-finite norm), and the gradients are always multiplied (by 1 when under the maximum). A
 * non-finite total norm scales them by NaN or 0, as in PyTorch. Returns a new map owning every entry;
 * the given gradients are disposed. No gradients: an empty map and a total norm of 0.
 *
 * @example
 * const { loss, grads } = valueAndGrads(model, lossFn);
 * const clipped = clipGradNorm(grads, 1.0);
 * opt.step(clipped.grads);
 * dispose([loss, clipped.grads, clipped.totalNorm]);
 */
export function clipGradNorm(
  grads: Readonly<Record<string, Tensor>>,
  maxNorm: number,
  options: ClipGradNormOptions = {},
): ClippedGrads {
  checkNumber('clipGradNorm', 'maxNorm', maxNorm, { min: 0 });
  const p = options.normType ?? 2;
  if (!(typeof p === 'number' && p > 0 && (Number.isFinite(p) || p === Number.POSITIVE_INFINITY))) {
    throw new Error(`clipGradNorm: normType must be a number > 0 or Infinity, got ${show(p)}`);
  }
  const names = Object.keys(grads);
  if (names.length === 0) return { grads: {}, totalNorm: scalar(0) };
  const result = tidy(() => {
    const norms = names.map((n) => pNorm(grads[n], p));
    const totalNorm = norms.length === 1 ? norms[0] : pNorm(stack(norms), p);
    // min(NaN, 1) is NaN, as torch.clamp: a NaN norm makes NaN gradients, not unclipped ones.
    const coef = minimum(div(maxNorm, add(totalNorm, 1e-6)), 1);
    const out: Record<string, Tensor> = {};
    for (const n of names) out[n] = keep(mul(grads[n], coef));
    return { grads: out, totalNorm: keep(totalNorm) };
  });
  for (const n of names) grads[n].dispose();
  return result;
}

/**
 * Clamps every gradient value to [−clipValue, clipValue], PyTorch's `torch.nn.utils.clip_grad_value_`.
 * Returns a new map; the gradients it replaced are disposed, and the returned map owns every entry.
 *
 * @example
 * grads = clipGradValue(grads, 0.5);
 */
export function clipGradValue(
  grads: Readonly<Record<string, Tensor>>,
  clipValue: number,
): Record<string, Tensor> {
  checkNumber('clipGradValue', 'clipValue', clipValue, { min: 0 });
  const out: Record<string, Tensor> = {};
  for (const [n, g] of Object.entries(grads)) {
    out[n] = clipByValue(g, -clipValue, clipValue);
    g.dispose();
  }
  return out;
}
