import { checkNumber, checkProbability, type Rng } from '@convkit/backend';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import { erase } from './erasing';
import type { Box } from './resized-crop';
import { checkImages, perChannel } from './validate';

export interface CutoutOptions {
  /** Side of the square in pixels. Default: half the smaller image side. */
  size?: number;
  /** Probability of cutting a square in each sample. Default 1. */
  p?: number;
  /** Fill value, one number or one per channel. Default 0. */
  value?: number | number[];
}

/**
 * Cutout (DeVries & Taylor 2017): a `size`×`size` square centred at a uniformly random pixel
 * (cy, cx), clipped at the borders: rows [max(cy − ⌊s/2⌋, 0), min(cy + ⌊s/2⌋, H)), same for columns,
 * set to `value`. Exact.
 *
 * Options: `size` (⌊min(H, W)/2⌋), `p` (1), `value` (0). Draws per sample: coin, cy, cx.
 * Shapes: [B, H, W, C] → same.
 *
 * @example
 * const y = cutout(x, rng, { size: 16 });
 */
export function cutout(x: Tensor4D, rng: Rng, options: CutoutOptions = {}): Tensor4D {
  const op = 'cutout';
  checkImages(x, op);
  const [B, H, W, C] = x.shape;
  const size = options.size ?? Math.floor(Math.min(H, W) / 2);
  checkNumber(op, 'size', size, { min: 0, integer: true });
  const p = options.p ?? 1;
  checkProbability(op, 'p', p);
  const value = perChannel(options.value ?? 0, C, op, 'value');
  const half = Math.floor(size / 2);
  const boxes: (Box | null)[] = [];
  for (let b = 0; b < B; b++) {
    if (!(rng.uniform() < p)) {
      boxes.push(null);
      continue;
    }
    const cy = rng.int(0, H);
    const cx = rng.int(0, W);
    const top = Math.max(cy - half, 0);
    const left = Math.max(cx - half, 0);
    boxes.push({ top, left, height: Math.min(cy + half, H) - top, width: Math.min(cx + half, W) - left });
  }
  return erase(x, boxes, value);
}
