import {
  NormApply,
  NormApplyRunning,
  NormInputGrad,
  NormMoments,
  NormParamGrad,
  type NormView,
} from '@convkit/backend';
import {
  add,
  customGrad,
  engine,
  type GradSaveFunc,
  getBackend,
  getKernel,
  mul,
  type NamedTensorMap,
  reshape,
  rsqrt,
  sub,
  type Tensor,
} from '@tensorflow/tfjs-core';
import { meanOver } from './reduce';

/** What {@link fusedNormalize} returns: the output and the batch statistics it normalized with. */
export interface FusedNormalization {
  /** (x − mean) / sqrt(var + eps) · weight + bias, shaped like x. */
  y: Tensor;
  /** [P, Q, 3]: shift, residual and biased variance of each statistic; mean = shift + residual. */
  stats: Tensor;
  /** x seen as [P, R, Q, T], one statistic per (p, q) over the R·T values (@convkit/backend). */
  view: NormView;
}

/** Whether the active backend has the fused normalization kernels (webgpu). */
export function hasFusedNormalize(): boolean {
  const backend = getBackend();
  return [NormMoments, NormApply, NormInputGrad, NormParamGrad].every(
    (k) => getKernel(k, backend) !== undefined,
  );
}

/**
 * x's shape as the kernels' [P, R, Q, T] view for statistics over `axes`: leading kept axes (P), a block
 * of reduced axes (R), kept axes (Q), reduced axes to the end (T); size-1 axes fit anywhere. `null` when
 * the axes do not have that layout.
 *
 * @example
 * normView([32, 16, 16, 64], [0, 1, 2]); // [1, 8192, 64, 1]: BatchNorm2d
 * normView([32, 256, 32, 2], [1, 3]);    // [32, 256, 32, 2]: GroupNorm(32) on [32, 16, 16, 64]
 */
export function normView(shape: readonly number[], axes: readonly number[]): NormView | null {
  const reduced = new Set(axes.map((a) => (a < 0 ? a + shape.length : a)));
  const view: NormView = [1, 1, 1, 1];
  let stage = 0; // 0 P (kept), 1 R (reduced), 2 Q (kept), 3 T (reduced)
  for (let i = 0; i < shape.length; i++) {
    if (shape[i] === 1) continue;
    const isReduced = reduced.has(i);
    while (stage < 4 && (stage % 2 === 1) !== isReduced) stage++;
    if (stage === 4) return null;
    view[stage] *= shape[i];
  }
  return view;
}

/** Whether `p` broadcasts along x's trailing axes as a whole block (flat index of x mod p.size). */
function trailing(p: Tensor, x: Tensor): boolean {
  let shape = p.shape;
  while (shape.length > 0 && shape[0] === 1) shape = shape.slice(1);
  const tail = x.shape.slice(x.rank - shape.length);
  return shape.length <= x.rank && shape.every((d, i) => d === tail[i]);
}

/**
 * Normalization over `axes` with the affine step, in the fused kernels of the active backend:
 *
 *   y = (x − mean) / sqrt(var + eps) · weight + bias   (biased var over `axes`)
 *   dx = (g − mean(g) − x̂·mean(g·x̂)) / sqrt(var + eps),  g = dy·weight
 *   dweight = Σ dy·x̂,  dbias = Σ dy
 *
 * The same values as `composedNormalize` in `moments.ts` (statistics by the corrected two-pass
 * algorithm), from the kernels `NormMoments` and `NormApply` forward and `NormInputGrad` and
 * `NormParamGrad` backward (@convkit/backend). `normalize` calls it when `fused` is on. Returns `null` when the backend lacks the kernels, x is
 * not float32, the axes have no [P, R, Q, T] layout, or the parameters are not a trailing block of x.
 * `options.view` overrides the layout `normView` derives (callers that need Q to be the channels).
 *
 * @example
 * const fused = fusedNormalize(x, [0, 1, 2], 1e-5, { weight, bias }); // BatchNorm2d on webgpu
 * const y = fused ? fused.y : normalize(x, [0, 1, 2], 1e-5, { weight, bias });
 */
export function fusedNormalize(
  x: Tensor,
  axes: readonly number[],
  eps: number,
  options: { weight?: Tensor; bias?: Tensor; view?: NormView } = {},
): FusedNormalization | null {
  const { weight, bias } = options;
  if (x.dtype !== 'float32' || !hasFusedNormalize()) return null;
  const view = options.view ?? normView(x.shape, axes);
  if (view === null) return null;
  if ((weight && !trailing(weight, x)) || (bias && !trailing(bias, x))) return null;
  if (weight && bias && weight.size !== bias.size) return null;
  const paramSize = (weight ?? bias)?.size ?? 1;
  const run = (kernel: string, inputs: Record<string, Tensor | undefined>, attrs: object) =>
    engine().runKernel(
      kernel,
      Object.fromEntries(Object.entries(inputs).filter(([, t]) => t !== undefined)) as NamedTensorMap,
      { view, eps, ...attrs },
    ) as Tensor;
  const stats = run(NormMoments, { x }, {});
  const op = customGrad((...args: (Tensor | GradSaveFunc)[]) => {
    const save = args[args.length - 1] as GradSaveFunc;
    const xIn = args[0] as Tensor;
    save([xIn, stats, ...(weight ? [weight] : [])]);
    return {
      value: run(NormApply, { x: xIn, stats, weight, bias }, {}),
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [xs, st, w] = saved;
        const paramGrad = (which: 'weight' | 'bias', like: Tensor) =>
          reshape(run(NormParamGrad, { dy, x: xs, stats: st }, { which, paramSize }), like.shape);
        return [
          run(NormInputGrad, { dy, x: xs, stats: st, weight: w }, {}),
          ...(weight ? [paramGrad('weight', weight)] : []),
          ...(bias ? [paramGrad('bias', bias)] : []),
        ];
      },
    };
  });
  const params = [weight, bias].filter((p): p is Tensor => p !== undefined);
  return { y: op(x, ...params) as Tensor, stats, view };
}

/**
 * Evaluation-mode normalization with given per-channel statistics (running mean and variance), in the
 * one fused kernel `NormApplyRunning` instead of the composed ops of `normalizeWith`:
 *
 *   y = (x − mean) / sqrt(variance + eps) · weight + bias   (per channel, the last axis)
 *   dx = dy · weight / sqrt(variance + eps),  dweight = Σ dy·x̂,  dbias = Σ dy
 *
 * Differentiable in x, weight and bias only: `mean` and `variance` are constants here (running
 * buffers); use `normalizeWith` to differentiate through them. Returns `null` where the backend lacks
 * the kernel (anything but webgpu), x is not float32, or a statistic or parameter does not hold one
 * value per channel.
 *
 * @example
 * const y = fusedNormalizeWith(x, bn.runningMean, bn.runningVar, 1e-5, bn.weight, bn.bias)
 *   ?? normalizeWith(x, bn.runningMean, bn.runningVar, 1e-5, bn.weight, bn.bias);
 */
export function fusedNormalizeWith(
  x: Tensor,
  mean: Tensor,
  variance: Tensor,
  eps: number,
  weight?: Tensor,
  bias?: Tensor,
): Tensor | null {
  const channels = x.shape[x.rank - 1];
  if (x.dtype !== 'float32' || getKernel(NormApplyRunning, getBackend()) === undefined) return null;
  if ([mean, variance, weight, bias].some((t) => t !== undefined && t.size !== channels)) return null;
  const c = [channels];
  const axes = Array.from({ length: x.rank - 1 }, (_, i) => i);
  const count = x.size / channels;
  const op = customGrad((...args: (Tensor | GradSaveFunc)[]) => {
    const save = args[args.length - 1] as GradSaveFunc;
    const xIn = args[0] as Tensor;
    save([xIn, mean, variance, ...(weight ? [weight] : [])]);
    const inputs = { x: xIn, mean, variance, ...(weight ? { weight } : {}), ...(bias ? { bias } : {}) };
    return {
      value: engine().runKernel(NormApplyRunning, inputs as NamedTensorMap, { eps }) as Tensor,
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [xs, m, v, w] = saved;
        const inv = rsqrt(add(reshape(v, c), eps));
        const sumOver = (t: Tensor, like: Tensor) => reshape(mul(meanOver(t, axes), count), like.shape);
        return [
          mul(dy, w ? mul(inv, reshape(w, c)) : inv),
          ...(weight ? [sumOver(mul(dy, mul(sub(xs, reshape(m, c)), inv)), weight)] : []),
          ...(bias ? [sumOver(dy, bias)] : []),
        ];
      },
    };
  });
  const params = [weight, bias].filter((p): p is Tensor => p !== undefined);
  return op(x, ...params) as Tensor;
}
