import { checkProbability, type Rng } from '@convkit/backend';
import { type Tensor4D, tidy } from '@tensorflow/tfjs-core';
import { cropWindows, mirrorAxis, type PadMode, sampleSeparable, windowAxis } from './sampling';
import { roundHalfEven, toPadding, toSize } from './size';
import { checkImages, perChannel } from './validate';

export interface RandomCropOptions {
  /** Output `[height, width]` (or one number for a square). Default: the input size. */
  size?: number | [number, number];
  /** Pixels added on each side, `[top/bottom, left/right]` or one number. Default 0. */
  padding?: number | [number, number];
  /** How the padding is filled: 'zero' (default), 'constant' (`fill`), 'edge' or 'reflect'. */
  paddingMode?: PadMode;
  /** Value of the padding in 'constant' mode, one number or one per channel. Default 0. */
  fill?: number | number[];
  /**
   * Probability of also mirroring each crop left–right, fused into the same gather (one pass over
   * the batch instead of two). Default 0.
   */
  flip?: number;
}

const MODES: readonly PadMode[] = ['zero', 'constant', 'edge', 'reflect'];

/** Checks the padding mode and that reflect padding stays below the image size (as torch's does). */
export function checkPadMode(mode: PadMode, pad: [number, number], h: number, w: number, op: string): void {
  if (!MODES.includes(mode))
    throw new Error(`${op}: paddingMode must be one of ${MODES.join(', ')}, got ${mode}`);
  if (mode === 'reflect' && (pad[0] >= h || pad[1] >= w)) {
    throw new Error(`${op}: reflect padding [${pad}] must be smaller than the image ${h}×${w}`);
  }
}

/**
 * Integer windows with a boundary mode: `cropWindows` (fast path) for zero/constant/reflect padding
 * with one fill value on sides ≥ 2, else one gather through `sampleSeparable`. Both are exact.
 */
export function cropOrGather(
  x: Tensor4D,
  top: Int32Array,
  left: Int32Array,
  h: number,
  w: number,
  mode: PadMode,
  fill: readonly number[],
  mirrored?: Uint8Array,
): Tensor4D {
  const [, H, W] = x.shape;
  const scalarFill = fill.every((v) => v === fill[0]);
  if (mode !== 'edge' && scalarFill && H >= 2 && W >= 2) {
    return cropWindows(x, {
      top,
      left,
      size: [h, w],
      mode: mode === 'reflect' ? 'reflect' : 'constant',
      fill: fill[0] ?? 0,
      flip: mirrored,
    });
  }
  const cols = windowAxis(left, w, W, mode);
  if (mirrored !== undefined)
    for (let b = 0; b < mirrored.length; b++) if (mirrored[b]) mirrorAxis(cols, b, w);
  return sampleSeparable(x, h, w, windowAxis(top, h, H, mode), cols, fill);
}

/**
 * Pads each image and crops a window at a random position per sample (the CIFAR recipe:
 * `size` 32, `padding` 4). The padding is never materialized: each output row/column reads
 * source index `offset + k - padding`, mapped by the padding mode, with one batched gather.
 *
 * Options: `size` (input size), `padding` (0), `paddingMode` ('zero' | 'constant' | 'edge' | 'reflect',
 * default 'zero'), `fill` (0), `flip` (0). Drawn per sample: top ~ U{0..H+2p-h}, left ~ U{0..W+2p-w},
 * then the flip coin when `flip` > 0. Shapes: [B, H, W, C] → [B, h, w, C]. Exact (a copy).
 *
 * @example
 * const y = randomCrop(x, rng, { padding: 4, paddingMode: 'reflect' }); // [B, 32, 32, 3] stays 32×32
 */
export function randomCrop(x: Tensor4D, rng: Rng, options: RandomCropOptions = {}): Tensor4D {
  const op = 'randomCrop';
  checkImages(x, op);
  const [B, H, W, C] = x.shape;
  const [h, w] = toSize(options.size ?? [H, W], op);
  const pad = toPadding(options.padding ?? 0, op);
  const mode = options.paddingMode ?? 'zero';
  checkPadMode(mode, pad, H, W, op);
  const fill = mode === 'constant' ? perChannel(options.fill ?? 0, C, op, 'fill') : [0];
  const hp = H + 2 * pad[0];
  const wp = W + 2 * pad[1];
  if (h > hp || w > wp) {
    throw new Error(
      `${op}: crop ${h}×${w} is larger than the ${pad[0] || pad[1] ? 'padded ' : ''}image ${hp}×${wp} (padding [${pad}]); add padding or crop smaller`,
    );
  }
  const flip = options.flip ?? 0;
  checkProbability(op, 'flip', flip);
  const top = new Int32Array(B);
  const left = new Int32Array(B);
  const mirrored = new Uint8Array(B);
  for (let b = 0; b < B; b++) {
    top[b] = rng.int(0, hp - h + 1) - pad[0];
    left[b] = rng.int(0, wp - w + 1) - pad[1];
    if (flip > 0) mirrored[b] = rng.uniform() < flip ? 1 : 0;
  }
  return tidy(() => cropOrGather(x, top, left, h, w, mode, fill, mirrored));
}

/**
 * Crops the centre `size` window of every image (the evaluation counterpart of `randomCrop`);
 * offsets round((H - h) / 2), round((W - w) / 2), half to even, as torchvision's `center_crop`.
 *
 * Shapes: [B, H, W, C] → [B, h, w, C]; `size` must fit in the image. Exact (a copy).
 *
 * @example
 * const y = centerCrop(x, 28);
 */
export function centerCrop(x: Tensor4D, size: number | [number, number]): Tensor4D {
  const op = 'centerCrop';
  checkImages(x, op);
  const [B, H, W] = x.shape;
  const [h, w] = toSize(size, op);
  if (h > H || w > W) throw new Error(`${op}: crop ${h}×${w} is larger than the image ${H}×${W}`);
  const top = new Int32Array(B).fill(roundHalfEven((H - h) / 2));
  const left = new Int32Array(B).fill(roundHalfEven((W - w) / 2));
  return tidy(() => cropOrGather(x, top, left, h, w, 'constant', [0]));
}
