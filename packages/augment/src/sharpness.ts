import { checkNumber } from '@convkit/backend';
import {
  add,
  clipByValue,
  depthwiseConv2d,
  mul,
  pad,
  sub,
  type Tensor4D,
  tensor,
  tidy,
} from '@tensorflow/tfjs-core';
import type { Factor } from './color';
import { selectByMask, spatialMask } from './mask';
import { perSample } from './per-sample';
import { checkImages } from './validate';

/**
 * Sharpness (torchvision `adjust_sharpness`): blends with a smoothed copy,
 * out = clamp(f·x + (1 − f)·S(x), 0, 1), where S applies the 3×3 kernel [[1,1,1],[1,5,1],[1,1,1]]/13
 * to interior pixels and keeps the one-pixel border. f = 1 identity, 0 smooth, > 1 sharper.
 * Images with a side ≤ 2 come back unchanged.
 *
 * @example
 * const y = adjustSharpness(x, 2);
 */
export function adjustSharpness(x: Tensor4D, factor: Factor): Tensor4D {
  const op = 'adjustSharpness';
  checkImages(x, op);
  const [B, H, W, C] = x.shape;
  const list = typeof factor === 'number' ? [factor] : Array.from(factor);
  if (typeof factor !== 'number' && list.length !== B)
    throw new Error(`${op}: need one factor per sample (${B})`);
  for (const v of list) checkNumber(op, 'factor', v, { min: 0 });
  return tidy(() => {
    if (H <= 2 || W <= 2) return add(x, 0) as Tensor4D;
    const k = new Float32Array(9 * C).fill(1 / 13);
    for (let c = 0; c < C; c++) k[4 * C + c] = 5 / 13;
    const smooth = depthwiseConv2d(x, tensor(k, [3, 3, C, 1]) as never, 1, 'valid');
    const interior = new Uint8Array(H * W);
    for (let i = 1; i < H - 1; i++) interior.fill(1, i * W + 1, i * W + W - 1);
    const degenerate = selectByMask(
      spatialMask(interior, H, W, C),
      pad(smooth, [
        [0, 0],
        [1, 1],
        [1, 1],
        [0, 0],
      ]),
      x,
    );
    const f = typeof factor === 'number' ? tensor(factor) : perSample(list);
    return clipByValue(add(mul(f, x), mul(sub(1, f), degenerate)), 0, 1) as Tensor4D;
  });
}
