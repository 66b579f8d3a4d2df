import { checkProbability, type Rng } from '@convkit/backend';
import { reverse, type Tensor4D, tidy } from '@tensorflow/tfjs-core';
import { drawMask, selectSamples } from './per-sample';
import { cropWindows } from './sampling';
import { checkImages } from './validate';

export interface FlipOptions {
  /** Probability of flipping each sample. Default 0.5. */
  p?: number;
}

function randomFlip(x: Tensor4D, rng: Rng, axis: 1 | 2, op: string, options: FlipOptions): Tensor4D {
  checkImages(x, op);
  const p = options.p ?? 0.5;
  checkProbability(op, 'p', p);
  const [B, H, W] = x.shape;
  const mask = drawMask(rng, B, p);
  return tidy(() => {
    // Mirrored boxes through crop_and_resize: one native pass (reverse + select is slower on wasm).
    if (H >= 2 && W >= 2) {
      const zero = new Int32Array(B);
      return cropWindows(x, {
        top: zero,
        left: zero,
        size: [H, W],
        mode: 'constant',
        flip: axis === 2 ? mask : undefined,
        flipVertical: axis === 1 ? mask : undefined,
      });
    }
    return selectSamples(mask, () => reverse(x, axis), x);
  });
}

/**
 * Mirrors each sample left–right with probability `p`: out[b, i, j] = x[b, i, W-1-j] when flipped.
 *
 * Options: `p` (0.5). Shapes: [B, H, W, C] → [B, H, W, C]. Exact (a copy).
 *
 * @example
 * const y = randomHorizontalFlip(x, new Rng(0), { p: 0.5 });
 */
export function randomHorizontalFlip(x: Tensor4D, rng: Rng, options: FlipOptions = {}): Tensor4D {
  return randomFlip(x, rng, 2, 'randomHorizontalFlip', options);
}

/**
 * Mirrors each sample top–bottom with probability `p`: out[b, i, j] = x[b, H-1-i, j] when flipped.
 *
 * Options: `p` (0.5). Shapes: [B, H, W, C] → [B, H, W, C]. Exact (a copy).
 *
 * @example
 * const y = randomVerticalFlip(x, new Rng(0), { p: 0.5 });
 */
export function randomVerticalFlip(x: Tensor4D, rng: Rng, options: FlipOptions = {}): Tensor4D {
  return randomFlip(x, rng, 1, 'randomVerticalFlip', options);
}
