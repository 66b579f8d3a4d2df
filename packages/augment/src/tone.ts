import {
  clipByValue,
  div,
  equal,
  floor,
  greaterEqual,
  max,
  min,
  mul,
  round,
  sub,
  type Tensor4D,
  tidy,
  where,
} from '@tensorflow/tfjs-core';
import { checkImages, checkNumber } from './validate';

/**
 * Solarize: inverts every value at or above `threshold`: out = x ≥ t ? 1 − x : x (torchvision
 * `solarize` for float images in [0, 1]).
 *
 * @example
 * const y = solarize(x, 0.5);
 */
export function solarize(x: Tensor4D, threshold: number): Tensor4D {
  checkImages(x, 'solarize');
  checkNumber(threshold, 'solarize', 'threshold');
  return tidy(() => where(greaterEqual(x, threshold), sub(1, x), x) as Tensor4D);
}

/**
 * Posterize to `bits` bits per channel on float images in [0, 1]: the 8-bit value round(255·x)
 * keeps its top `bits` bits (torchvision `posterize` on uint8): out = ⌊round(255x) / 2^(8−bits)⌋ · 2^(8−bits) / 255.
 *
 * @example
 * const y = posterize(x, 4);
 */
export function posterize(x: Tensor4D, bits: number): Tensor4D {
  checkImages(x, 'posterize');
  checkNumber(bits, 'posterize', 'bits', 0, true);
  if (bits > 8) throw new Error(`posterize: bits must be in [0, 8], got ${bits}`);
  const q = 2 ** (8 - bits);
  return tidy(() => div(mul(floor(div(round(mul(x, 255)), q)), q), 255) as Tensor4D);
}

/**
 * Autocontrast: stretches each image's channels to [0, 1]: out = clamp((x − min_c)/(max_c − min_c), 0, 1)
 * per sample and channel; a constant channel is left as is (torchvision `autocontrast`).
 *
 * @example
 * const y = autoContrast(x);
 */
export function autoContrast(x: Tensor4D): Tensor4D {
  checkImages(x, 'autoContrast');
  return tidy(() => {
    const lo = min(x, [1, 2], true);
    const hi = max(x, [1, 2], true);
    const flat = equal(hi, lo);
    const scale = where(flat, 1, div(1, sub(hi, lo)));
    const shift = where(flat, 0, lo);
    return clipByValue(mul(sub(x, shift), scale), 0, 1) as Tensor4D;
  });
}
