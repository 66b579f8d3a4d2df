import { fill, matMul, mean, reshape, type Tensor } from '@tensorflow/tfjs-core';

/**
 * mean(x) over `axes`, keeping them as size-1 dimensions; the same value as `mean(x, axes, true)`,
 * arranged to avoid the slow path of tfjs's reductions.
 *
 * tfjs reduces only over the innermost axes: any other axis set is transposed first, a full copy that
 * dominates normalization on cpu and wasm (BatchNorm's [N, H, W] of [N, H, W, C]). So reduced axes
 * that are all innermost go to `mean`, and a contiguous block [a..b] of the others becomes a batched
 * product with a column of 1/R: [B, R, K]ᵀ × [1, R, 1] → [B, K, 1], with B the kept axes before the
 * block and K those after it: no copy of x. x is the transposed left operand on purpose: XNNPACK (wasm)
 * repacks the right operand as constant weights, which costs more than `mean` for a fresh activation
 * (the timings are in bench/RESULTS.md, "Measurements behind design choices").
 * Innermost reduced axes after the block are then averaged on the (small) result. Any other layout
 * falls back to `mean`. The product accumulates in float32 like `mean`; callers that
 * need more (moments) correct with a second pass.
 */
export function meanOver(x: Tensor, axes: number[]): Tensor {
  const rank = x.rank;
  const sorted = [...new Set(axes.map((a) => (a < 0 ? a + rank : a)))].sort((a, b) => a - b);
  let inner = 0;
  while (inner < sorted.length && sorted[sorted.length - 1 - inner] === rank - 1 - inner) inner++;
  const innerAxes = sorted.slice(sorted.length - inner);
  const rest = sorted.slice(0, sorted.length - inner);
  if (rest.length === 0) return inner > 0 ? mean(x, innerAxes, true) : x;
  const [a, b] = [rest[0], rest[rest.length - 1]];
  if (b - a + 1 !== rest.length) return mean(x, sorted, true);
  // The block first: it shrinks the data most (GroupNorm: [N, S, G, D] → [N, 1, G, D] before the
  // innermost mean over D, instead of an innermost mean with S·G outputs of D values each).
  const shape = x.shape;
  const prod = (from: number, to: number) => shape.slice(from, to).reduce((n, d) => n * d, 1);
  const [batch, r, k] = [prod(0, a), prod(a, b + 1), prod(b + 1, rank)];
  const columnOfMeans = fill([1, r, 1], 1 / r);
  // [B, K, 1] has the memory order of the keepDims shape [..B, 1.., ..K].
  const out = matMul(reshape(x, [batch, r, k]), columnOfMeans, true, false);
  const block = reshape(
    out,
    shape.map((d, i) => (i >= a && i <= b ? 1 : d)),
  );
  return inner > 0 ? mean(block, innerAxes, true) : block;
}
