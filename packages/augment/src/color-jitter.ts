import { checkNumber, type Rng } from '@convkit/backend';
import { clone, type Tensor4D, tidy } from '@tensorflow/tfjs-core';
import { adjustBrightness, adjustContrast, adjustHue, adjustSaturation } from './color';
import { drawUniform } from './per-sample';
import { checkImages, checkRange } from './validate';

export interface ColorJitterOptions {
  /** Brightness factor range; b gives [max(0, 1 − b), 1 + b]. Default 0 (off). */
  brightness?: number | [number, number];
  /** Contrast factor range; c gives [max(0, 1 − c), 1 + c]. Default 0 (off). */
  contrast?: number | [number, number];
  /** Saturation factor range (RGB only); s gives [max(0, 1 − s), 1 + s]. Default 0 (off). */
  saturation?: number | [number, number];
  /** Hue shift range (RGB only); h in [0, 0.5] gives [−h, h]. Default 0 (off). */
  hue?: number | [number, number];
}

/** Resolves a jitter option to a factor range, or undefined when it is off (the identity). */
function factorRange(
  v: number | [number, number] | undefined,
  name: string,
  center: number,
  bounds: [number, number],
): [number, number] | undefined {
  const op = 'colorJitter';
  if (v === undefined) return undefined;
  let r: [number, number];
  if (typeof v === 'number') {
    checkNumber(op, name, v, { min: 0 });
    r = [Math.max(center - v, bounds[0]), center + v];
  } else {
    r = [v[0], v[1]];
  }
  checkRange(r, op, name, bounds[0]);
  if (r[1] > bounds[1]) throw new Error(`${op}: ${name} range must lie in [${bounds}], got [${r}]`);
  return r[0] === center && r[1] === center ? undefined : r;
}

/**
 * Random brightness, contrast, saturation and hue per sample (torchvision `ColorJitter`, with
 * per-sample factors): b, c, s ~ U(range), h ~ U(hue range), each applied with the torchvision
 * formulas of `adjustBrightness` / `adjustContrast` / `adjustSaturation` / `adjustHue`.
 * The order of the four adjustments is a random permutation drawn once per call (per batch),
 * then the factors are drawn per sample, brightness, contrast, saturation, hue.
 *
 * Expects float images in [0, 1]; outputs are clamped to [0, 1]. Saturation and hue need 3
 * channels (RGB); brightness and contrast also work on 1-channel images.
 *
 * Options: `brightness` (0), `contrast` (0), `saturation` (0), `hue` (0). Shapes: [B, H, W, C] → same.
 *
 * @example
 * const y = colorJitter(x, rng, { brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.1 });
 */
export function colorJitter(x: Tensor4D, rng: Rng, options: ColorJitterOptions = {}): Tensor4D {
  const op = 'colorJitter';
  checkImages(x, op, [1, 3]);
  const inf = Number.POSITIVE_INFINITY;
  const ranges = [
    factorRange(options.brightness, 'brightness', 1, [0, inf]),
    factorRange(options.contrast, 'contrast', 1, [0, inf]),
    factorRange(options.saturation, 'saturation', 1, [0, inf]),
    factorRange(options.hue, 'hue', 0, [-0.5, 0.5]),
  ];
  if (x.shape[3] !== 3 && (ranges[2] !== undefined || ranges[3] !== undefined)) {
    throw new Error(
      `${op}: saturation and hue need 3 channels (RGB), got ${x.shape[3]}; use brightness/contrast on grayscale images`,
    );
  }
  const order = rng.permutation(4);
  const B = x.shape[0];
  const factors = ranges.map((r) => (r === undefined ? undefined : drawUniform(rng, B, r[0], r[1])));
  const adjust = [adjustBrightness, adjustContrast, adjustSaturation, adjustHue];
  return tidy(() => {
    let y: Tensor4D = x;
    for (const k of order) {
      const f = factors[k];
      if (f !== undefined) y = adjust[k](y, f);
    }
    return y === x ? clone(x) : y;
  });
}
