import { add, mul, sub, type Tensor, tensor } from '@tensorflow/tfjs-core';

/**
 * `a` where `m` is 1, `b` where it is 0, as a·m + b·(1 − m) with `m` a broadcastable 0/1 float
 * tensor. Exact for finite values (a·1 + b·0 = a). Preferred over `where` with a broadcast
 * condition, which tfjs first expands with Tile (a full copy). Non-finite values (Inf, NaN)
 * in the unselected input do not survive (Inf·0 = NaN). Call inside `tidy`.
 */
export function selectByMask(m: Tensor, a: Tensor, b: Tensor): Tensor {
  return add(mul(a, m), mul(b, sub(1, m)));
}

/** `selectByMask` with the 0/1 mask given as an array of `shape`. Call inside `tidy`. */
export function select01(mask: ArrayLike<number>, shape: number[], a: Tensor, b: Tensor): Tensor {
  return selectByMask(tensor(Float32Array.from(mask), shape), a, b);
}

/**
 * A per-channel constant as a [1, H, W, C] tensor (the C values repeated over every pixel).
 * Same values as a [1, 1, 1, C] tensor, but broadcasting only over the batch keeps wasm's binary
 * ops on their fast path (an innermost broadcast takes the generic strided path there).
 */
export function channelConstant(values: readonly number[], H: number, W: number): Tensor {
  const C = values.length;
  const out = new Float32Array(H * W * C);
  for (let k = 0; k < H * W; k++) out.set(values, k * C);
  return tensor(out, [1, H, W, C]);
}

/** A [1, H, W, 1] 0/1 spatial mask repeated over C channels, as [1, H, W, C] floats (see `channelConstant`). */
export function spatialMask(mask: ArrayLike<number>, H: number, W: number, C: number): Tensor {
  const out = new Float32Array(H * W * C);
  for (let k = 0; k < H * W; k++) if (mask[k]) out.fill(1, k * C, k * C + C);
  return tensor(out, [1, H, W, C]);
}
