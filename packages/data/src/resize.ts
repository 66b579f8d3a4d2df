import type { DecodedImage } from './decode';

/**
 * Converts an 8-bit image to 1 (gray), 3 (RGB) or 4 (RGBA) channels, as PIL's `Image.convert` does.
 *
 * - to gray: L = (19595·R + 38470·G + 7471·B + 2¹⁵) >> 16, ITU-R 601-2 luma in PIL's fixed point
 *   (0.299 R + 0.587 G + 0.114 B, rounded); alpha is ignored;
 * - to RGB: gray is repeated, alpha is dropped (not composited on a background, as `convert('RGB')`);
 * - to RGBA: gray is repeated, a missing alpha is 255.
 *
 * Returns the same object when it already has `channels` channels.
 *
 * @example
 * const rgb = convertChannels(await decodeImage(bytes), 3);
 */
export function convertChannels(image: DecodedImage, channels: 1 | 3 | 4): DecodedImage {
  if (channels !== 1 && channels !== 3 && channels !== 4) {
    throw new Error(`convertChannels: channels must be 1, 3 or 4, got ${channels}`);
  }
  const from = image.channels;
  if (from === channels) return image;
  const n = image.width * image.height;
  const src = image.data;
  const out = new Uint8Array(n * channels);
  for (let i = 0; i < n; i++) {
    const s = i * from;
    const d = i * channels;
    const color = from >= 3;
    const r = src[s];
    const g = color ? src[s + 1] : r;
    const b = color ? src[s + 2] : r;
    const alpha = from === 2 ? src[s + 1] : from === 4 ? src[s + 3] : 255;
    if (channels === 1) {
      out[d] = color ? (19595 * r + 38470 * g + 7471 * b + 0x8000) >> 16 : r;
    } else {
      out[d] = r;
      out[d + 1] = g;
      out[d + 2] = b;
      if (channels === 4) out[d + 3] = alpha;
    }
  }
  return { data: out, width: image.width, height: image.height, channels };
}

/** Options of {@link resizeImage}. */
export interface ResizeOptions {
  /** Output size `[height, width]`, or one number for a square. */
  size: number | readonly [number, number];
  /**
   * `'fill'` (default): stretch to exactly `size`, ignoring the aspect ratio (torchvision
   * `Resize((h, w))`). `'cover'`: keep the aspect ratio, scale so the image covers `size`, and crop
   * the center (torchvision `Resize(min(h, w))` then `CenterCrop((h, w))`, with the same rounding).
   */
  fit?: 'fill' | 'cover';
  /**
   * Widen the bilinear (triangle) filter by the shrink factor when downscaling, so every source
   * pixel contributes, as PIL's `resize(BILINEAR)` (what torchvision does to PIL images) and
   * `F.interpolate(..., antialias=True)`. `false`: plain bilinear, 4 source pixels per output pixel
   * (`F.interpolate(..., mode='bilinear', align_corners=False)`), which aliases when shrinking more
   * than 2×. Upscaling is the same either way. Default true.
   */
  antialias?: boolean;
}

/**
 * Resizes an 8-bit image with bilinear interpolation (half-pixel centers, edges clamped), separable:
 * rows first, then columns, in float64; the result is rounded to the nearest integer.
 *
 * Checked against PyTorch 1.13's `F.interpolate` (within the final rounding, antialias on and off)
 * and PIL 9.4's `resize(BILINEAR)` (within 1: PIL rounds to 8 bits between its two passes).
 *
 * @example
 * const small = resizeImage(img, { size: 224, fit: 'cover' }); // 224×224, center crop
 */
export function resizeImage(image: DecodedImage, options: ResizeOptions): DecodedImage {
  const [outH, outW] = checkSize(options.size, 'resizeImage');
  const fit = options.fit ?? 'fill';
  if (fit !== 'fill' && fit !== 'cover')
    throw new Error(`resizeImage: fit must be 'fill' or 'cover', got '${fit}'`);
  const antialias = options.antialias ?? true;
  const { height: inH, width: inW, channels: c } = image;
  // The scaled image's size and the crop's offset in it.
  let scaledH = outH;
  let scaledW = outW;
  if (fit === 'cover') {
    // torchvision Resize(short side): the binding side gets the target, the other int(target·long/short).
    if (outH / inH >= outW / inW) scaledW = Math.max(outW, Math.floor((outH * inW) / inH));
    else scaledH = Math.max(outH, Math.floor((outW * inH) / inW));
  }
  if (scaledH === inH && scaledW === inW && outH === inH && outW === inW) {
    return { ...image, data: image.data.slice() };
  }
  const rows = axisWeights(inH, scaledH, cropOffset(scaledH, outH), outH, antialias);
  const cols = axisWeights(inW, scaledW, cropOffset(scaledW, outW), outW, antialias);
  // Horizontal pass, only over the source rows the vertical pass reads.
  const firstRow = rows.start[0];
  const lastRow = rows.start[outH - 1] + rows.count[outH - 1];
  const mid = new Float64Array((lastRow - firstRow) * outW * c);
  const src = image.data;
  for (let y = firstRow; y < lastRow; y++) {
    const rowIn = y * inW * c;
    const rowMid = (y - firstRow) * outW * c;
    for (let x = 0; x < outW; x++) {
      const start = cols.start[x];
      const count = cols.count[x];
      const wBase = x * cols.span;
      for (let ch = 0; ch < c; ch++) {
        let acc = 0;
        for (let k = 0; k < count; k++) acc += cols.weights[wBase + k] * src[rowIn + (start + k) * c + ch];
        mid[rowMid + x * c + ch] = acc;
      }
    }
  }
  const out = new Uint8Array(outH * outW * c);
  const stride = outW * c;
  for (let y = 0; y < outH; y++) {
    const start = rows.start[y] - firstRow;
    const count = rows.count[y];
    const wBase = y * rows.span;
    for (let i = 0; i < stride; i++) {
      let acc = 0;
      for (let k = 0; k < count; k++) acc += rows.weights[wBase + k] * mid[(start + k) * stride + i];
      out[y * stride + i] = acc <= 0 ? 0 : acc >= 255 ? 255 : Math.round(acc);
    }
  }
  return { data: out, height: outH, width: outW, channels: c };
}

/** `[height, width]` from a size option, or an error naming `fn`. */
export function checkSize(size: number | readonly [number, number], fn: string): [number, number] {
  const hw: readonly number[] = typeof size === 'number' ? [size, size] : size;
  if (!Array.isArray(hw) || hw.length !== 2 || !hw.every((d) => Number.isInteger(d) && d > 0)) {
    throw new Error(
      `${fn}: size must be a positive integer or [height, width] of positive integers, got ${JSON.stringify(size)}`,
    );
  }
  return [hw[0], hw[1]];
}

/** torchvision CenterCrop's offset: int(round((scaled − out) / 2)), Python rounding half to even. */
function cropOffset(scaled: number, out: number): number {
  const half = (scaled - out) / 2;
  return Number.isInteger(half) ? half : 2 * Math.round(half / 2);
}

/** Per output index: the first source index, how many follow, and their weights (normalized). */
interface AxisWeights {
  start: Int32Array;
  count: Int32Array;
  /** `span` slots per output index. */
  weights: Float64Array;
  span: number;
}

/**
 * Weights along one axis for output indices `offset … offset + out − 1` of an image of `inSize`
 * pixels scaled to `scaledSize`. Source coordinate of output d: (d + 0.5)·scale − 0.5, scale =
 * inSize/scaledSize (align_corners=False). Antialiased, the triangle filter is widened to `scale`
 * pixels when shrinking and its weights renormalized at the edges (PIL's and PyTorch's
 * `_upsample_bilinear2d_aa` scheme); plain, it is 1 − |t| over the two nearest pixels, the
 * coordinate clamped at 0 (PyTorch's `upsample_bilinear2d`).
 */
function axisWeights(
  inSize: number,
  scaledSize: number,
  offset: number,
  out: number,
  antialias: boolean,
): AxisWeights {
  const scale = inSize / scaledSize;
  const support = antialias && scale > 1 ? scale : 1;
  const span = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(out);
  const count = new Int32Array(out);
  const weights = new Float64Array(out * span);
  for (let i = 0; i < out; i++) {
    const d = i + offset;
    if (antialias) {
      const center = (d + 0.5) * scale;
      const lo = Math.max(0, Math.trunc(center - support + 0.5));
      const hi = Math.min(inSize, Math.trunc(center + support + 0.5));
      let total = 0;
      for (let j = lo; j < hi; j++) {
        const t = Math.abs((j - center + 0.5) / support);
        const w = t < 1 ? 1 - t : 0;
        weights[i * span + (j - lo)] = w;
        total += w;
      }
      for (let j = lo; j < hi; j++) weights[i * span + (j - lo)] /= total;
      start[i] = lo;
      count[i] = hi - lo;
    } else {
      const srcPos = Math.max(0, (d + 0.5) * scale - 0.5);
      const y0 = Math.min(Math.floor(srcPos), inSize - 1);
      const frac = Math.min(srcPos - y0, 1);
      start[i] = y0;
      if (y0 + 1 < inSize) {
        count[i] = 2;
        weights[i * span] = 1 - frac;
        weights[i * span + 1] = frac;
      } else {
        count[i] = 1;
        weights[i * span] = 1;
      }
    }
  }
  return { start, count, weights, span };
}
