import {
  add,
  broadcastTo,
  cast,
  customGrad,
  type GradSaveFunc,
  mul,
  neg,
  reshape,
  rsqrt,
  square,
  sub,
  type Tensor,
} from '@tensorflow/tfjs-core';
import { meanOver } from './reduce';

/** Mean and biased variance of a tensor over some axes (kept as size-1 dimensions). */
export interface Moments {
  /** mean(x) over the axes. */
  mean: Tensor;
  /** Biased variance mean((x − mean)²), the one used to normalize. */
  variance: Tensor;
  /** x − shift, full size (shift = the first pass's mean). */
  centered: Tensor;
  /** mean(centered): the first pass's rounding error, ≈ 0 in exact arithmetic. */
  residual: Tensor;
  /** Number of elements each statistic reduces over. */
  count: number;
}

/**
 * Mean and biased variance of `x` over `axes`, in float32, by the corrected two-pass algorithm.
 *
 * Numerics: E[x²] − E[x]² cancels catastrophically when |mean| ≫ std (mean 1e3, std 1e-2 in float32
 * leaves no correct digit), so this never forms E[x²]. Pass 1 takes shift = mean(x); pass 2 works on the
 * deviations d = x − shift, which are small and exact (Sterbenz) once the shift is close. The residual
 * r = mean(d) absorbs the rounding error of pass 1 (float32 summation on wasm/webgpu can be off by ~σ for
 * large means), so mean = shift + r and variance = mean(d²) − r² (Chan, Golub & LeVeque 1983), where r² is
 * tiny and cancels nothing. Cost: three reductions and two elementwise passes over x.
 *
 * @example
 * const { mean, variance } = moments(x, [0, 1, 2]); // BatchNorm2d statistics, shapes [1, 1, 1, C]
 */
export function moments(x: Tensor, axes: number[]): Moments {
  const xf = x.dtype === 'float32' ? x : cast(x, 'float32');
  const shift = meanOver(xf, axes);
  const centered = sub(xf, statsBroadcaster(x.shape, axes)(shift));
  const residual = meanOver(centered, axes);
  const squares = square(centered);
  const variance = sub(meanOver(squares, axes), square(residual));
  squares.dispose(); // full size, read once: free it now rather than at the end of the step
  return {
    mean: add(shift, residual),
    variance,
    centered,
    residual,
    count: axes.reduce((n, a) => n * x.shape[a], 1),
  };
}

/** Options of {@link composedNormalize}. */
export interface ComposedNormalizeOptions {
  /** Scale, broadcast against x's trailing axes (e.g. [C], [H, W, C], or [G, C/G] for grouped input). */
  weight?: Tensor;
  /** Shift, same shape as `weight`. */
  bias?: Tensor;
  /** Receives the batch statistics (keepDims shapes) and their count; must not keep references. */
  onStats?: (mean: Tensor, variance: Tensor, count: number) => void;
}

/**
 * `normalize`'s composed path (tfjs ops, every backend): normalizes `x` over `axes` and applies the
 * affine step, as one op with a closed-form gradient:
 *
 *   x̂ = (x − mean) / sqrt(var + eps)   (biased var),   y = x̂·weight + bias
 *   dx = (g − mean(g) − x̂·mean(g·x̂)) / sqrt(var + eps),   g = dy·weight
 *   dweight = Σ dy·x̂,   dbias = Σ dy   (over the axes `weight` is broadcast along)
 *
 * Autodiff through the formula would make ~20 full-size passes and broadcast with Tile; this makes
 * ~7 forward and ~6 backward, with every reduction through `meanOver`. When the parameters are
 * broadcast along exactly the statistics axes (BatchNorm), the affine step folds into one scale and
 * one shift per statistic, applied to the centered x that the statistics already made:
 *
 *   y = c·s + t,   c = x − shift,  s = weight·inv,  t = bias − r·s   (r = mean(c), inv = 1/sqrt(var + eps))
 *   dx = dy·s + c·u + v,   u = −s·inv·m₂,  v = s·(r·inv·m₂ − m₁),   m₁ = mean(dy),  m₂ = inv·(mean(dy·c) − r·m₁)
 *
 * (m₂ = mean(dy·x̂), since x̂ = (c − r)·inv): 4 full-size passes forward and 5 backward, and c is
 * saved for backward instead of a separate x̂. c is small and exact where x − shift is (Sterbenz), so
 * c·s + t cancels nothing; r is the first pass's rounding error. The two reductions serve dx,
 * dweight = Σ dy·x̂ and dbias = Σ dy alike. Statistics are computed off the gradient tape.
 *
 * @example
 * const y = composedNormalize(x, [0, 1, 2], 1e-5, { weight, bias }); // BatchNorm2d in training
 */
export function composedNormalize(
  x: Tensor,
  axes: number[],
  eps: number,
  options: ComposedNormalizeOptions = {},
): Tensor {
  const { weight, bias, onStats } = options;
  const params = [weight, bias].filter((p): p is Tensor => p !== undefined);
  const paramAxes = (weight ?? bias) ? broadcastAxes(x.shape, (weight ?? bias)?.shape ?? []) : [];
  const sameAxes = sameSet(
    paramAxes,
    axes.map((a) => (a < 0 ? a + x.rank : a)),
  );
  if (sameAxes && params.length > 0) return foldedNormalize(x, axes, eps, options);
  const paramCount = paramAxes.reduce((n, a) => n * x.shape[a], 1);
  const wide = statsBroadcaster(x.shape, axes);
  const op = customGrad((...args: (Tensor | GradSaveFunc)[]) => {
    const save = args[args.length - 1] as GradSaveFunc;
    const xIn = args[0] as Tensor;
    const m = moments(xIn, axes);
    onStats?.(m.mean, m.variance, m.count);
    const inv = wide(rsqrt(add(m.variance, eps)));
    const xhat = mul(sub(m.centered, wide(m.residual)), inv);
    save([xhat, inv]);
    return {
      value: affine(xhat, weight, bias),
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [xh, iv] = saved;
        const g0 = dy.dtype === 'float32' ? dy : cast(dy, 'float32');
        const paramGrads = (sumDy: () => Tensor, sumDyXhat: () => Tensor) => [
          ...(weight ? [reshape(sumDyXhat(), weight.shape)] : []),
          ...(bias ? [reshape(sumDy(), bias.shape)] : []),
        ];
        const g = weight ? mul(g0, weight) : g0;
        const dx = mul(sub(sub(g, wide(meanOver(g, axes))), mul(xh, wide(meanOver(mul(g, xh), axes)))), iv);
        const sumOver = (t: Tensor) => (paramAxes.length ? mul(meanOver(t, paramAxes), paramCount) : t);
        return [
          dx,
          ...paramGrads(
            () => sumOver(g0),
            () => sumOver(mul(g0, xh)),
          ),
        ];
      },
    };
  });
  return op(x, ...params);
}

/**
 * `composedNormalize` when the parameters are broadcast along exactly the statistic axes (BatchNorm,
 * InstanceNorm): the folded scale-and-shift form in its docstring.
 */
function foldedNormalize(
  x: Tensor,
  axes: number[],
  eps: number,
  { weight, bias, onStats }: ComposedNormalizeOptions,
): Tensor {
  const params = [weight, bias].filter((p): p is Tensor => p !== undefined);
  const count = axes.reduce((n, a) => n * x.shape[a], 1);
  const wide = statsBroadcaster(x.shape, axes);
  const op = customGrad((...args: (Tensor | GradSaveFunc)[]) => {
    const save = args[args.length - 1] as GradSaveFunc;
    const m = moments(args[0] as Tensor, axes);
    onStats?.(m.mean, m.variance, m.count);
    const inv = rsqrt(add(m.variance, eps));
    const s = weight ? mul(inv, weight) : inv;
    const t = bias ? sub(bias, mul(m.residual, s)) : neg(mul(m.residual, s));
    save([m.centered, m.residual, inv, s]);
    return {
      value: add(mul(m.centered, wide(s)), wide(t)),
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [c, r, iv, sc] = saved as [Tensor, Tensor, Tensor, Tensor];
        const g = dy.dtype === 'float32' ? dy : cast(dy, 'float32');
        const m1 = meanOver(g, axes);
        const gc = mul(g, c);
        const m2 = mul(iv, sub(meanOver(gc, axes), mul(r, m1))); // mean(dy·x̂)
        gc.dispose();
        const u = neg(mul(mul(sc, iv), m2));
        const v = mul(sc, sub(mul(mul(r, iv), m2), m1));
        const dx = add(add(mul(g, wide(sc)), mul(c, wide(u))), wide(v));
        return [
          dx,
          ...(weight ? [reshape(mul(m2, count), weight.shape)] : []),
          ...(bias ? [reshape(mul(m1, count), bias.shape)] : []),
        ];
      },
    };
  });
  return op(x, ...params);
}

/**
 * Widens keepDims statistics along the reduced axes that follow the last kept axis, when that stays
 * small (≤ 1/8 of x): GroupNorm's [N, 1, G, 1] becomes [N, 1, G, C/G]. tfjs's cpu and wasm broadcast
 * fast only along leading axes; a size-1 innermost axis sends every full-size op to the generic
 * strided path, an order of magnitude slower on wasm (bench/RESULTS.md, "Measurements behind design
 * choices").
 * Identity for BatchNorm, InstanceNorm and LayerNorm.
 */
function statsBroadcaster(shape: number[], axes: number[]): (t: Tensor) => Tensor {
  const reduced = new Set(axes.map((a) => (a < 0 ? a + shape.length : a)));
  const lastKept = shape.reduce((last, d, i) => (!reduced.has(i) && d > 1 ? i : last), -1);
  const target = shape.map((d, i) => (reduced.has(i) && i < lastKept ? 1 : d));
  const statShape = shape.map((d, i) => (reduced.has(i) ? 1 : d));
  const size = (s: number[]) => s.reduce((n, d) => n * d, 1);
  const useful = lastKept >= 0 && size(target) > size(statShape) && size(target) * 8 <= size(shape);
  return useful ? (t) => broadcastTo(t, target) : (t) => t;
}

/** Axes of a tensor of shape `x` along which a tensor of shape `p` (aligned to the trailing axes) is broadcast. */
function broadcastAxes(x: number[], p: number[]): number[] {
  const lead = x.length - p.length;
  return x.map((_, i) => i).filter((i) => i < lead || (p[i - lead] === 1 && x[i] !== 1));
}

function sameSet(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((v) => b.includes(v));
}

/**
 * (x − mean) / sqrt(variance + eps) · weight + bias with given (e.g. running) statistics; differentiable
 * in every input. The per-channel factor rsqrt(variance + eps)·weight is formed first: two full passes.
 */
export function normalizeWith(
  x: Tensor,
  mean: Tensor,
  variance: Tensor,
  eps: number,
  weight?: Tensor,
  bias?: Tensor,
): Tensor {
  const inv = rsqrt(add(variance, eps));
  // Subtract first: x·s − mean·s would cancel catastrophically for large means.
  return affine(sub(x, mean), weight ? mul(inv, weight) : inv, bias);
}

/** y = x̂·weight + bias, skipping absent terms. */
function affine(xhat: Tensor, weight?: Tensor, bias?: Tensor): Tensor {
  const scaled = weight ? mul(xhat, weight) : xhat;
  return bias ? add(scaled, bias) : scaled;
}
