import {
  avgPool,
  fill,
  getBackend,
  matMul,
  mean,
  reshape,
  type Tensor,
  type Tensor4D,
  tidy,
} from '@tensorflow/tfjs-core';

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
 * On wasm that product runs in tfjs's single-threaded loop (XNNPACK takes only untransposed products),
 * so a block of R = R1·R2 rows goes through XNNPACK's threaded average pooling instead: x as
 * [B·R1, R2, 1, K] pooled over windows of R2 rows gives R1 partial means per (b, k), which the
 * product then averages (`rowMeans`): one threaded pass over x, and a product over R1 ≤ 64 rows.
 * Innermost reduced axes after the block are then averaged on the (small) result. Any other layout
 * falls back to `mean`. The product and the pooling accumulate in float32 like `mean`; callers that
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
  // tidy: the reshaped and pooled intermediates go now, so a caller's dispose of x frees it.
  return tidy(() => {
    const block = reshape(
      rowMeans(x, batch, r, k),
      shape.map((d, i) => (i >= a && i <= b ? 1 : d)),
    );
    return inner > 0 ? mean(block, innerAxes, true) : block;
  });
}

/** Rows pooled per window on wasm at least, and the most partial means kept per (b, k). */
const MIN_WINDOW = 8;
const MAX_PARTS = 64;

/** mean of x seen as [B, R, K] over R, as [B, K, 1] (the memory order of the keepDims shape). */
function rowMeans(x: Tensor, batch: number, r: number, k: number): Tensor {
  const parts = getBackend() === 'wasm' ? poolParts(r) : 0;
  if (parts > 0) {
    const window = r / parts;
    const pooled = avgPool(
      reshape(x, [batch * parts, window, 1, k]) as Tensor4D,
      [window, 1],
      [window, 1],
      'valid',
    );
    return columnMeans(reshape(pooled, [batch, parts, k]), batch, parts, k);
  }
  return columnMeans(x, batch, r, k);
}

/** [B, R, K]ᵀ × [1, R, 1] column of 1/R → [B, K, 1]. */
function columnMeans(x: Tensor, batch: number, r: number, k: number): Tensor {
  return matMul(reshape(x, [batch, r, k]), fill([1, r, 1], 1 / r), true, false);
}

/** The number of partial means R1 (a divisor of r, at most MAX_PARTS, windows of ≥ MIN_WINDOW rows), or 0. */
function poolParts(r: number): number {
  for (let parts = Math.min(MAX_PARTS, Math.floor(r / MIN_WINDOW)); parts >= 2; parts--) {
    if (r % parts === 0) return parts;
  }
  return 0;
}
