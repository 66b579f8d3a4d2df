import {
  abs,
  clipByValue,
  max,
  mul,
  pow,
  type Scalar,
  sqrt,
  square,
  stack,
  sum,
  type Tensor,
  tidy,
} from '@tensorflow/tfjs-core';
import { checkBoolean, checkNumber, show } from './options';

/** Options of {@link clipGradNorm}. */
export interface ClipGradNormOptions {
  /** The p of the p-norm: any p > 0, or `Infinity` for the largest absolute value. Default 2. */
  normType?: number;
  /** Throw when the total norm is NaN or infinite, instead of scaling by it. Default false (as PyTorch). */
  errorIfNonfinite?: boolean;
}

/** What {@link clipGradNorm} returns. */
export interface ClippedGrads {
  /** The gradients, scaled when their norm exceeded the maximum (by the same names). */
  grads: Record<string, Tensor>;
  /** The norm of all gradients together, as one vector, before clipping. */
  totalNorm: number;
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
 * norm as one concatenated vector), then every gradient is multiplied by
 *
 *   coef = min(1, maxNorm / (totalNorm + 1e-6)).
 *
 * Returns the total norm (read back from the backend: one synchronization) and a new map; the
 * gradients it replaced are disposed, and the returned map owns every entry (unscaled ones are the
 * same tensors). With a non-finite total norm the gradients are scaled by NaN or 0 as in PyTorch,
 * unless `errorIfNonfinite`. No gradients: total norm 0.
 *
 * @example
 * let { loss, grads } = valueAndGrads(model, lossFn);
 * const clipped = clipGradNorm(grads, 1.0);
 * grads = clipped.grads; // clipped.totalNorm, e.g. to log
 * opt.step(grads);
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
  const errorIfNonfinite = checkBoolean(
    'clipGradNorm',
    'errorIfNonfinite',
    options.errorIfNonfinite ?? false,
  );
  const names = Object.keys(grads);
  if (names.length === 0) return { grads: {}, totalNorm: 0 };
  const totalNorm = tidy(() => {
    const norms = names.map((n) => pNorm(grads[n], p));
    return norms.length === 1 ? norms[0] : pNorm(stack(norms), p);
  });
  const total = totalNorm.dataSync()[0];
  totalNorm.dispose();
  if (errorIfNonfinite && !Number.isFinite(total)) {
    throw new Error(
      `clipGradNorm: the total norm of order ${p} of the gradients is ${total}, so they cannot be clipped; ` +
        'find the parameter whose gradient is not finite, or pass errorIfNonfinite: false to scale by it anyway',
    );
  }
  const coef = Math.min(maxNorm / (total + 1e-6), 1); // NaN stays NaN, as torch.clamp
  const out: Record<string, Tensor> = { ...grads };
  if (coef === 1) return { grads: out, totalNorm: total };
  for (const n of names) {
    out[n] = mul(grads[n], coef);
    grads[n].dispose();
  }
  return { grads: out, totalNorm: total };
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
