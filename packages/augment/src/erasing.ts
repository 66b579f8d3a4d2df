import { checkProbability, type Rng } from '@convkit/backend';
import { clone, mul, type Tensor, type Tensor4D, tensor, tidy } from '@tensorflow/tfjs-core';
import { channelConstant, selectByMask } from './mask';
import type { Box } from './resized-crop';
import { roundHalfEven } from './size';
import { checkImages, checkRange, perChannel } from './validate';

/** What fills an erased box: a number, one number per channel, or 'random' (standard normal noise). */
export type EraseValue = number | number[] | 'random';

export interface RandomErasingOptions {
  /** Probability of erasing a box in each sample. Default 0.5. */
  p?: number;
  /** Range of the box area as a fraction of the image area. Default [0.02, 0.33]. */
  scale?: [number, number];
  /** Range of the box aspect ratio height/width (sampled log-uniformly). Default [0.3, 3.3]. */
  ratio?: [number, number];
  /** Fill: number, per-channel numbers or 'random' (N(0, 1) per pixel). Default 0. */
  value?: EraseValue;
}

/**
 * Sets the pixels of `boxes[b]` (null = untouched) to `value`: a mask from per-sample row and
 * column ranges, broadcast to [B, H, W, 1]: out = v·m + x·(1 − m). Exact for finite values.
 * `noise` supplies the values for 'random' ([B, H, W, C]).
 *
 * Shapes: [B, H, W, C] → same.
 *
 * @example
 * const y = erase(x, [{ top: 0, left: 0, height: 8, width: 8 }, null], 0);
 */
export function erase(
  x: Tensor4D,
  boxes: readonly (Box | null)[],
  value: number | number[] | Tensor = 0,
): Tensor4D {
  const op = 'erase';
  checkImages(x, op);
  const [B, H, W, C] = x.shape;
  if (boxes.length !== B)
    throw new Error(`${op}: need one box (or null) per sample (${B}), got ${boxes.length}`);
  const rows = new Float32Array(B * H);
  const cols = new Float32Array(B * W);
  let any = false;
  boxes.forEach((box, b) => {
    if (box === null || box.height <= 0 || box.width <= 0) return;
    any = true;
    for (let i = Math.max(box.top, 0); i < Math.min(box.top + box.height, H); i++) rows[b * H + i] = 1;
    for (let j = Math.max(box.left, 0); j < Math.min(box.left + box.width, W); j++) cols[b * W + j] = 1;
  });
  const v = typeof value === 'number' || Array.isArray(value) ? perChannel(value, C, op, 'value') : value;
  return tidy(() => {
    if (!any) return clone(x);
    // rows [B, H, 1, 1] × columns repeated over channels [B, 1, W, C]: a full-size mask without an
    // innermost broadcast (slow on wasm).
    const colsC = new Float32Array(B * W * C);
    for (let k = 0; k < B * W; k++) if (cols[k]) colsC.fill(1, k * C, k * C + C);
    const inBox = mul(tensor(rows, [B, H, 1, 1]), tensor(colsC, [B, 1, W, C]));
    const fill = Array.isArray(v) ? channelConstant(v, H, W) : (v as Tensor);
    return selectByMask(inBox, fill, x) as Tensor4D;
  });
}

/**
 * torchvision `RandomErasing.get_params`: up to 10 tries of area ~ U(scale)·H·W and
 * log-ratio ~ U(log ratio), h = round(√(area·r)), w = round(√(area/r)), kept when h < H and w < W;
 * then top ~ U{0..H−h}, left ~ U{0..W−w}. Null when no try fits.
 */
export function sampleEraseBox(
  rng: Rng,
  H: number,
  W: number,
  scale: readonly [number, number],
  ratio: readonly [number, number],
): Box | null {
  const logLo = Math.log(ratio[0]);
  const logHi = Math.log(ratio[1]);
  for (let attempt = 0; attempt < 10; attempt++) {
    const area = H * W * rng.uniform(scale[0], scale[1]);
    const aspect = Math.exp(rng.uniform(logLo, logHi));
    const height = roundHalfEven(Math.sqrt(area * aspect));
    const width = roundHalfEven(Math.sqrt(area / aspect));
    if (!(height < H && width < W)) continue;
    return { top: rng.int(0, H - height + 1), left: rng.int(0, W - width + 1), height, width };
  }
  return null;
}

/**
 * Random erasing (Zhong et al. 2017, torchvision `RandomErasing`): with probability `p` per sample,
 * one rectangle of random area fraction and aspect ratio is set to `value`. Usually placed after
 * `normalizeChannels`, where value 0 is the dataset mean.
 *
 * Options: `p` (0.5), `scale` ([0.02, 0.33]), `ratio` ([0.3, 3.3]), `value` (0; or per-channel,
 * or 'random'). Draws per sample: the coin, then the box. Shapes: [B, H, W, C] → same.
 *
 * @example
 * const y = randomErasing(x, rng, { p: 0.25, value: 'random' });
 */
export function randomErasing(x: Tensor4D, rng: Rng, options: RandomErasingOptions = {}): Tensor4D {
  const op = 'randomErasing';
  checkImages(x, op);
  const [B, H, W, C] = x.shape;
  const p = options.p ?? 0.5;
  checkProbability(op, 'p', p);
  const scale = options.scale ?? [0.02, 0.33];
  const ratio = options.ratio ?? [0.3, 3.3];
  checkRange(scale, op, 'scale', 0);
  if (scale[1] > 1) throw new Error(`${op}: scale must lie in [0, 1], got [${scale}]`);
  checkRange(ratio, op, 'ratio', 0);
  if (ratio[0] <= 0) throw new Error(`${op}: ratio must be positive, got [${ratio}]`);
  const value = options.value ?? 0;
  if (value !== 'random') perChannel(value, C, op, 'value');
  const boxes: (Box | null)[] = [];
  for (let b = 0; b < B; b++) boxes.push(rng.uniform() < p ? sampleEraseBox(rng, H, W, scale, ratio) : null);
  if (value !== 'random') return erase(x, boxes, value);
  if (boxes.every((b) => b === null)) return clone(x);
  return tidy(() => erase(x, boxes, rng.normalTensor([B, H, W, C])));
}
