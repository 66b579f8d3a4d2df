import { checkNumber } from '@convkit/backend';
import {
  add,
  cast,
  clipByValue,
  cumsum,
  div,
  equal,
  floor,
  gather,
  greaterEqual,
  max,
  maximum,
  min,
  mul,
  ones,
  range,
  reshape,
  round,
  sub,
  type Tensor1D,
  type Tensor4D,
  tidy,
  transpose,
  unsortedSegmentSum,
  where,
} from '@tensorflow/tfjs-core';
import { checkImages } from './validate';

/**
 * Solarize: inverts every value at or above `threshold`: out = x ≥ t ? 1 − x : x (torchvision
 * `solarize` for float images in [0, 1]).
 *
 * @example
 * const y = solarize(x, 0.5);
 */
export function solarize(x: Tensor4D, threshold: number): Tensor4D {
  checkImages(x, 'solarize');
  checkNumber('solarize', 'threshold', threshold);
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
  checkNumber('posterize', 'bits', bits, { min: 0, integer: true });
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

/**
 * Histogram equalization per image and channel, torchvision `equalize` on the 8-bit values
 * v = round(255·x) of float images in [0, 1]:
 *
 *   hist = counts of v (256 bins), step = ⌊(Σ hist − hist[max v]) / 255⌋,
 *   lut[0] = 0, lut[i] = min(255, ⌊(Σ_{j<i} hist[j] + ⌊step / 2⌋) / step⌋), out = lut[v] / 255
 *
 * A channel with step 0 (one or two distinct values, or nearly all pixels at the maximum) is returned
 * as v / 255. Counts are float32 on every backend: exact for images up to 2^23 pixels.
 *
 * @example
 * const y = equalize(x); // x: [B, H, W, C] in [0, 1]
 */
export function equalize(x: Tensor4D): Tensor4D {
  checkImages(x, 'equalize');
  const [b, h, w, c] = x.shape;
  if (h * w > 2 ** 23) throw new Error(`equalize: at most 2^23 pixels per image, got ${h}×${w}`);
  return tidy(() => {
    const n = b * c;
    // One row of 8-bit values per (image, channel), as flat bin ids row·256 + v; transposed as
    // float32 (tfjs-webgpu 4.22's int32 Transpose shader does not compile).
    const rows = reshape(transpose(round(mul(clipByValue(x, 0, 1), 255)), [0, 3, 1, 2]), [n, h * w]);
    const offsets = reshape(range(0, n * 256, 256, 'float32'), [n, 1]);
    const bins = cast(reshape(add(rows, offsets), [-1]), 'int32') as Tensor1D;
    const hist = reshape(unsortedSegmentSum(ones([n * h * w]), bins, n * 256), [n, 256]);
    const atMax = gather(reshape(hist, [-1]), cast(add(max(rows, 1, true), offsets), 'int32'));
    const step = floor(div(sub(h * w, atMax), 255));
    // The cdf before each bin: cumulative counts minus the bin's own (exact integers in float32).
    const before = sub(cumsum(hist, 1), hist);
    const lut = clipByValue(floor(div(add(before, floor(div(step, 2))), maximum(step, 1))), 0, 255);
    const table = where(equal(step, 0), reshape(range(0, 256, 1, 'float32'), [1, 256]), lut);
    const y = gather(reshape(table, [-1]), bins);
    return transpose(reshape(div(y, 255), [b, c, h, w]), [0, 2, 3, 1]) as Tensor4D;
  });
}
