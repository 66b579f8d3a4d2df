import type { Rng } from '@convkit/backend';
import { type Tensor4D, tidy } from '@tensorflow/tfjs-core';
import { resizeAxis, sampleSeparable } from './sampling';
import { roundHalfEven, toSize } from './size';
import { checkImages, checkRange } from './validate';

/** A crop window in pixels. */
export interface Box {
  top: number;
  left: number;
  height: number;
  width: number;
}

export interface RandomResizedCropOptions {
  /** Output `[height, width]` (or one number). Default: the input size. */
  size?: number | [number, number];
  /** Range of the crop area as a fraction of the image area. Default [0.08, 1]. */
  scale?: [number, number];
  /** Range of the crop aspect ratio width/height (sampled log-uniformly). Default [3/4, 4/3]. */
  ratio?: [number, number];
}

/**
 * Crops `boxes[b]` out of image b and resizes it to `size` with bilinear interpolation,
 * half-pixel centres and no antialiasing — torchvision `F.resized_crop(..., antialias=False)`.
 * Sample k of an axis of length n reads src = max((k + 0.5)·n/out − 0.5, 0) inside the box.
 *
 * Shapes: [B, H, W, C] → [B, h, w, C]. Boxes must lie inside the image.
 *
 * @example
 * const y = resizedCrop(x, [{ top: 2, left: 2, height: 24, width: 24 }], 32);
 */
export function resizedCrop(x: Tensor4D, boxes: readonly Box[], size: number | [number, number]): Tensor4D {
  const op = 'resizedCrop';
  checkImages(x, op);
  const [B, H, W] = x.shape;
  const [h, w] = toSize(size, op);
  if (boxes.length !== B) throw new Error(`${op}: need one box per sample (${B}), got ${boxes.length}`);
  for (const [b, box] of boxes.entries()) {
    const ok =
      [box.top, box.left, box.height, box.width].every(Number.isInteger) &&
      box.top >= 0 &&
      box.left >= 0 &&
      box.height >= 1 &&
      box.width >= 1 &&
      box.top + box.height <= H &&
      box.left + box.width <= W;
    if (!ok)
      throw new Error(`${op}: box ${b} ${JSON.stringify(box)} is not an integer window inside ${H}×${W}`);
  }
  const rows = resizeAxis(
    boxes.map((b) => b.top),
    boxes.map((b) => b.height),
    h,
  );
  const cols = resizeAxis(
    boxes.map((b) => b.left),
    boxes.map((b) => b.width),
    w,
  );
  return tidy(() => sampleSeparable(x, h, w, rows, cols));
}

/**
 * torchvision `RandomResizedCrop.get_params`: up to 10 tries of area ~ U(scale)·H·W and
 * log-ratio ~ U(log ratio); else a centre crop clamped to the ratio range.
 */
export function sampleResizedCropBox(
  rng: Rng,
  H: number,
  W: number,
  scale: readonly [number, number],
  ratio: readonly [number, number],
): Box {
  const area = H * W;
  const logLo = Math.log(ratio[0]);
  const logHi = Math.log(ratio[1]);
  for (let attempt = 0; attempt < 10; attempt++) {
    const target = area * rng.uniform(scale[0], scale[1]);
    const aspect = Math.exp(rng.uniform(logLo, logHi));
    const width = roundHalfEven(Math.sqrt(target * aspect));
    const height = roundHalfEven(Math.sqrt(target / aspect));
    if (width > 0 && width <= W && height > 0 && height <= H) {
      return { top: rng.int(0, H - height + 1), left: rng.int(0, W - width + 1), height, width };
    }
  }
  const inRatio = W / H;
  let width = W;
  let height = H;
  if (inRatio < ratio[0]) height = roundHalfEven(W / ratio[0]);
  else if (inRatio > ratio[1]) width = roundHalfEven(H * ratio[1]);
  return { top: Math.floor((H - height) / 2), left: Math.floor((W - width) / 2), height, width };
}

/**
 * Crops a random window of random area and aspect ratio per sample and resizes it to `size`
 * (Inception-style crop; Szegedy et al. 2015). Bilinear, half-pixel centres, no antialiasing.
 *
 * Options: `size` (input size), `scale` ([0.08, 1]), `ratio` ([3/4, 4/3]).
 * Shapes: [B, H, W, C] → [B, h, w, C].
 *
 * @example
 * const y = randomResizedCrop(x, rng, { size: 32, scale: [0.5, 1] });
 */
export function randomResizedCrop(x: Tensor4D, rng: Rng, options: RandomResizedCropOptions = {}): Tensor4D {
  const op = 'randomResizedCrop';
  checkImages(x, op);
  const [B, H, W] = x.shape;
  const size = toSize(options.size ?? [H, W], op);
  const scale = options.scale ?? [0.08, 1];
  const ratio = options.ratio ?? [3 / 4, 4 / 3];
  checkRange(scale, op, 'scale', 0);
  checkRange(ratio, op, 'ratio', 0);
  if (scale[1] === 0 || ratio[0] === 0) throw new Error(`${op}: scale and ratio must be positive`);
  const boxes: Box[] = [];
  for (let b = 0; b < B; b++) boxes.push(sampleResizedCropBox(rng, H, W, scale, ratio));
  return resizedCrop(x, boxes, size);
}
