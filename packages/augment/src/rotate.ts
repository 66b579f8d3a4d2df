import { checkNumber, type Rng } from '@convkit/backend';
import { type Tensor4D, tidy } from '@tensorflow/tfjs-core';
import { affineSample } from './sampling';
import { checkImages, checkRange, perChannel } from './validate';

export interface RandomRotationOptions {
  /** Angle range in degrees; d gives [−d, d]. Default 10. Positive = counter-clockwise. */
  degrees?: number | [number, number];
  /** Value of pixels rotated in from outside, one number or one per channel. Default 0. */
  fill?: number | number[];
}

/**
 * Inverse rotation matrices (output → input pixel coordinates) about the image centre
 * ((W − 1)/2, (H − 1)/2), counter-clockwise for positive angles as torchvision `rotate`:
 * x' = cos θ (x − cx) − sin θ (y − cy) + cx, y' = sin θ (x − cx) + cos θ (y − cy) + cy.
 */
export function rotationMatrices(degrees: ArrayLike<number>, H: number, W: number): Float32Array {
  const out = new Float32Array(degrees.length * 6);
  const cx = (W - 1) / 2;
  const cy = (H - 1) / 2;
  for (let b = 0; b < degrees.length; b++) {
    const t = (degrees[b] * Math.PI) / 180;
    const c = Math.cos(t);
    const s = Math.sin(t);
    out.set([c, -s, cx - c * cx + s * cy, s, c, cy - s * cx - c * cy], b * 6);
  }
  return out;
}

/**
 * Rotates each image by its own angle (degrees, counter-clockwise), bilinear, pixels from outside
 * the image set to `fill` (TensorFlow's fill rule: a neighbour outside contributes `fill` with its
 * bilinear weight). With `fill` 0 this equals torchvision `F.rotate(..., BILINEAR)`.
 *
 * Shapes: [B, H, W, C] → same. Angles: array of B numbers.
 *
 * @example
 * const y = rotate(x, [90, -15]);
 */
export function rotate(x: Tensor4D, degrees: ArrayLike<number>, fill: number | number[] = 0): Tensor4D {
  const op = 'rotate';
  checkImages(x, op);
  const [B, H, W, C] = x.shape;
  if (degrees.length !== B) throw new Error(`${op}: need one angle per sample (${B}), got ${degrees.length}`);
  for (let b = 0; b < B; b++) checkNumber(op, 'degrees', degrees[b]);
  const f = perChannel(fill, C, op, 'fill');
  return tidy(() => affineSample(x, rotationMatrices(degrees, H, W), f));
}

/**
 * Rotates each image by an angle θ ~ U(degrees) drawn per sample (torchvision `RandomRotation`
 * with bilinear interpolation).
 *
 * Options: `degrees` (10, i.e. [−10, 10]), `fill` (0). Shapes: [B, H, W, C] → same.
 *
 * @example
 * const y = randomRotation(x, rng, { degrees: 15 });
 */
export function randomRotation(x: Tensor4D, rng: Rng, options: RandomRotationOptions = {}): Tensor4D {
  const op = 'randomRotation';
  checkImages(x, op);
  const d = options.degrees ?? 10;
  if (typeof d === 'number') checkNumber(op, 'degrees', d, { min: 0 });
  const range: [number, number] = typeof d === 'number' ? [-d, d] : d;
  checkRange(range, op, 'degrees');
  const angles = new Float64Array(x.shape[0]);
  for (let b = 0; b < angles.length; b++) angles[b] = rng.uniform(range[0], range[1]);
  return rotate(x, angles, options.fill ?? 0);
}
