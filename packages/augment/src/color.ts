import { checkNumber } from '@convkit/backend';
import {
  add,
  argMax,
  cast,
  clipByValue,
  concat,
  div,
  equal,
  matMul,
  max,
  mean,
  min,
  minimum,
  mod,
  mul,
  oneHot,
  reshape,
  sub,
  sum,
  type Tensor,
  type Tensor4D,
  tensor,
  tidy,
} from '@tensorflow/tfjs-core';
import { perSample } from './per-sample';
import { checkImages } from './validate';

/**
 * Colour adjustments on float images in [0, 1] (NHWC), following torchvision's tensor functional
 * API (`adjust_brightness`, `adjust_contrast`, `adjust_saturation`, `adjust_hue`, `rgb_to_grayscale`):
 * every blend is clamped to [0, 1]. A factor is one number for the whole batch or one per sample.
 */
export type Factor = number | ArrayLike<number>;

function factorTensor(f: Factor, batch: number, op: string, lo = 0, hi = Number.POSITIVE_INFINITY): Tensor {
  const list = typeof f === 'number' ? [f] : Array.from(f);
  if (typeof f !== 'number' && list.length !== batch) {
    throw new Error(`${op}: need one factor per sample (${batch}), got ${list.length}`);
  }
  for (const v of list) {
    checkNumber(op, 'factor', v, { min: lo });
    if (v > hi) throw new Error(`${op}: factor must be in [${lo}, ${hi}], got ${v}`);
  }
  return typeof f === 'number' ? tensor(f) : perSample(list);
}

/** torchvision `_blend`: clamp(f·a + (1 − f)·b, 0, 1). */
function blend(a: Tensor, b: Tensor, f: Tensor): Tensor4D {
  return clipByValue(add(mul(f, a), mul(sub(1, f), b)), 0, 1) as Tensor4D;
}

const LUMA = [0.2989, 0.587, 0.114];

/**
 * ITU-R 601-2 luma as torchvision computes it, 0.2989 R + 0.587 G + 0.114 B, repeated in `out`
 * channels: one [N, 3] × [3, out] product (slicing channels out costs a strided copy per channel, and an
 * [B, H, W, 1] result would need slow innermost broadcasts later). Shape [B, H, W, out].
 */
function luma(x: Tensor4D, out: 1 | 3 = 1): Tensor4D {
  const [B, H, W] = x.shape;
  const weights = tensor(
    LUMA.flatMap((w) => new Array<number>(out).fill(w)),
    [3, out],
  );
  return reshape(matMul(reshape(x, [B * H * W, 3]), weights), [B, H, W, out]) as Tensor4D;
}

// Hue candidates from (rc, gc, bc) = (max − (r, g, b)) / (max − min), torchvision `_rgb2hsv`:
// max = R: bc − gc; max = G: 2 + rc − bc; max = B: 4 + gc − rc. One [N, 3] × [3, 3] product.
const HUE_CANDIDATES = [
  [0, 1, -1],
  [-1, 0, 1],
  [1, -1, 0],
];

/**
 * Grayscale: L = 0.2989 R + 0.587 G + 0.114 B (torchvision `rgb_to_grayscale`).
 *
 * Shapes: [B, H, W, 3] → [B, H, W, outChannels] (1 or 3, default 1); a 1-channel input is returned
 * as a copy (or repeated to 3).
 *
 * @example
 * const g = rgbToGrayscale(x, 3);
 */
export function rgbToGrayscale(x: Tensor4D, outChannels: 1 | 3 = 1): Tensor4D {
  checkImages(x, 'rgbToGrayscale', [1, 3]);
  if (outChannels !== 1 && outChannels !== 3) {
    throw new Error(`rgbToGrayscale: outChannels must be 1 or 3, got ${outChannels}`);
  }
  return tidy(() => {
    if (x.shape[3] === 3) return luma(x, outChannels);
    return (outChannels === 3 ? concat([x, x, x], 3) : add(x, 0)) as Tensor4D;
  });
}

/**
 * Brightness: out = clamp(f·x, 0, 1); f ≥ 0 (1 = identity, 0 = black). Any channel count.
 *
 * @example
 * const y = adjustBrightness(x, [0.8, 1.2]); // one factor per sample of a batch of 2
 */
export function adjustBrightness(x: Tensor4D, factor: Factor): Tensor4D {
  checkImages(x, 'adjustBrightness');
  return tidy(
    () => clipByValue(mul(factorTensor(factor, x.shape[0], 'adjustBrightness'), x), 0, 1) as Tensor4D,
  );
}

/**
 * Contrast: out = clamp(f·x + (1 − f)·m, 0, 1) with m the mean grayscale value of each image
 * (the mean pixel for 1-channel images). f ≥ 0 (1 = identity, 0 = flat gray).
 *
 * @example
 * const y = adjustContrast(x, 1.5);
 */
export function adjustContrast(x: Tensor4D, factor: Factor): Tensor4D {
  checkImages(x, 'adjustContrast', [1, 3]);
  return tidy(() => {
    const f = factorTensor(factor, x.shape[0], 'adjustContrast');
    const m = mean(x.shape[3] === 3 ? luma(x) : x, [1, 2, 3], true);
    return blend(x, m, f);
  });
}

/**
 * Saturation: out = clamp(f·x + (1 − f)·L, 0, 1) with L the grayscale image. 3 channels (RGB) only.
 * f ≥ 0 (1 = identity, 0 = grayscale, > 1 more saturated).
 *
 * @example
 * const y = adjustSaturation(x, 0.5);
 */
export function adjustSaturation(x: Tensor4D, factor: Factor): Tensor4D {
  checkImages(x, 'adjustSaturation (RGB only)', [3]);
  return tidy(() => blend(x, luma(x, 3), factorTensor(factor, x.shape[0], 'adjustSaturation')));
}

/**
 * Hue rotation: RGB → HSV, h' = (h + f) mod 1, HSV → RGB (torchvision `adjust_hue`); f in
 * [−0.5, 0.5] (0 = identity). 3 channels (RGB) only; input must be in [0, 1].
 * RGB → HSV uses torchvision's `_rgb2hsv` case order (max = R, then G, then B); HSV → RGB uses
 * the closed form c_n = v − v·s·clamp(min(k_n, 4 − k_n), 0, 1), k_n = (n + 6h) mod 6 for
 * n = 5, 3, 1 (R, G, B) — the same values as torchvision's six-sector table.
 *
 * @example
 * const y = adjustHue(x, 0.1);
 */
export function adjustHue(x: Tensor4D, factor: Factor): Tensor4D {
  checkImages(x, 'adjustHue (RGB only)', [3]);
  return tidy(() => {
    const [B, H, W] = x.shape;
    const f = factorTensor(factor, B, 'adjustHue', -0.5, 0.5);
    const px = reshape(x, [B * H * W, 3]);
    const maxc = max(px, 1, true);
    const minc = min(px, 1, true);
    const cr = sub(maxc, minc);
    // Gray pixels (max = min): torchvision divides by 1 instead of 0; any nonzero divisor gives
    // s = 0 and rc = gc = bc = 0 there, so adding the 0/1 flag is exact and avoids a broadcast select.
    const gray = cast(equal(cr, 0), 'float32');
    const s = div(cr, add(maxc, gray));
    const rgbc = div(sub(maxc, px), add(cr, gray));
    const candidates = add(matMul(rgbc, tensor(HUE_CANDIDATES)), tensor([[0, 2, 4]]));
    // The first channel equal to the max picks its candidate (R, then G, then B; at ties the
    // candidates agree: the hue is continuous there).
    // int32 one-hot then cast: tfjs-backend-wasm 4.22's OneHot ignores dtype 'float32' (writes int bits).
    const pick = cast(oneHot(argMax(px, 1), 3), 'float32');
    const h6 = sum(mul(pick, candidates), 1, true);
    const h = mod(add(div(h6, 6), 1), 1);
    const h2 = mod(add(reshape(h, [B, H, W, 1]), f), 1);
    const v = reshape(maxc, [B, H, W, 1]);
    const sat = reshape(s, [B, H, W, 1]);
    // k_n for the three channels at once: [B, H, W, 1] + [5, 3, 1] → [B, H, W, 3].
    const k = mod(add(mul(h2, 6), tensor([5, 3, 1], [1, 1, 1, 3])), 6);
    const ramp = clipByValue(minimum(k, sub(4, k)), 0, 1);
    return clipByValue(sub(v, mul(mul(v, sat), ramp)), 0, 1) as Tensor4D;
  });
}
