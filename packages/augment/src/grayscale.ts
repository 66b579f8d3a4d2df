import { checkProbability, type Rng } from '@convkit/backend';
import { type Tensor4D, tidy } from '@tensorflow/tfjs-core';
import { rgbToGrayscale } from './color';
import { drawMask, selectSamples } from './per-sample';
import { checkImages } from './validate';

export interface RandomGrayscaleOptions {
  /** Probability of converting each sample. Default 0.1. */
  p?: number;
}

/**
 * Converts each RGB sample to grayscale with probability `p`, keeping 3 channels
 * (L = 0.2989 R + 0.587 G + 0.114 B in every channel; torchvision `RandomGrayscale`).
 *
 * Options: `p` (0.1). Shapes: [B, H, W, 3] → [B, H, W, 3].
 *
 * @example
 * const y = randomGrayscale(x, rng, { p: 0.2 });
 */
export function randomGrayscale(x: Tensor4D, rng: Rng, options: RandomGrayscaleOptions = {}): Tensor4D {
  const op = 'randomGrayscale';
  checkImages(x, op, [3]);
  const p = options.p ?? 0.1;
  checkProbability(op, 'p', p);
  const mask = drawMask(rng, x.shape[0], p);
  return tidy(() => selectSamples(mask, () => rgbToGrayscale(x, 3), x));
}
