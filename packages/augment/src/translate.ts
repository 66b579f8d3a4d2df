import { checkNumber, type Rng } from '@convkit/backend';
import { type Tensor4D, tidy } from '@tensorflow/tfjs-core';
import { checkPadMode, cropOrGather } from './random-crop';
import type { PadMode } from './sampling';
import { roundHalfEven } from './size';
import { checkImages, perChannel } from './validate';

export interface RandomTranslateOptions {
  /** Largest shift as a fraction of `[height, width]` (or one number for both), each in [0, 1]. Default 0.125. */
  maxFraction?: number | [number, number];
  /** What enters at the borders: 'constant' (default, `fill`), 'zero', 'edge' or 'reflect'. */
  mode?: PadMode;
  /** Value of the uncovered pixels in 'constant' mode, one number or one per channel. Default 0. */
  fill?: number | number[];
}

/**
 * Shifts each image by a whole number of pixels: out[b, i, j] = x[b, i - dy_b, j - dx_b], with
 * dy ~ round(U(-fy·H, fy·H)), dx ~ round(U(-fx·W, fx·W)) per sample (dy then dx; torchvision
 * `RandomAffine(translate=...)` draws the same way). One batched gather; exact.
 *
 * Options: `maxFraction` (0.125), `mode` ('constant'), `fill` (0). Shapes: [B, H, W, C] → same.
 *
 * @example
 * const y = randomTranslate(x, rng, { maxFraction: [0.1, 0.1] });
 */
export function randomTranslate(x: Tensor4D, rng: Rng, options: RandomTranslateOptions = {}): Tensor4D {
  const op = 'randomTranslate';
  checkImages(x, op);
  const [B, H, W, C] = x.shape;
  const f = options.maxFraction ?? 0.125;
  const [fy, fx] = typeof f === 'number' ? [f, f] : f;
  checkNumber(op, 'maxFraction[0]', fy, { min: 0 });
  checkNumber(op, 'maxFraction[1]', fx, { min: 0 });
  if (fy > 1 || fx > 1) throw new Error(`${op}: maxFraction must be in [0, 1], got [${fy}, ${fx}]`);
  const mode = options.mode ?? 'constant';
  const maxDy = fy * H;
  const maxDx = fx * W;
  const top = new Int32Array(B);
  const left = new Int32Array(B);
  for (let b = 0; b < B; b++) {
    top[b] = -roundHalfEven(rng.uniform(-maxDy, maxDy));
    left[b] = -roundHalfEven(rng.uniform(-maxDx, maxDx));
  }
  const reach: [number, number] = [Math.ceil(maxDy), Math.ceil(maxDx)];
  checkPadMode(mode, reach, H, W, op);
  const fill = mode === 'constant' ? perChannel(options.fill ?? 0, C, op, 'fill') : [0];
  return tidy(() => cropOrGather(x, top, left, H, W, mode, fill));
}
