import {
  avgPool,
  concat,
  maximum,
  maxPool,
  mean,
  mul,
  pad,
  slice,
  stridedSlice,
  type Tensor4D,
  tensor4d,
  tidy,
} from '@tensorflow/tfjs-core';
import { isZeroPad, outputLength, type Padding2d, type Pads2d, pair, resolvePads } from './padding';

/** Options of {@link maxPool2d} and {@link avgPool2d}. */
export interface Pool2dOptions {
  /** Step of the window (default: the kernel size). */
  strides?: number | [number, number];
  /** Padding: a number, `[ph, pw]`, `'same'` or `'valid'` (default 0). */
  padding?: Padding2d;
  /**
   * PyTorch's `ceil_mode` (default false): the output length rounds up, `ceil((n + 2p − k) / s) + 1`,
   * minus one when the last window would start past the input and its left padding. The extra
   * windows reach past the bottom/right padding; that part never counts (see {@link poolPads}).
   */
  ceilMode?: boolean;
}

/** Options of {@link maxPool2d}: {@link Pool2dOptions} and `dilation`. */
export interface MaxPool2dOpOptions extends Pool2dOptions {
  /** Spacing between window elements, PyTorch's `dilation` (default 1). */
  dilation?: number | [number, number];
}

/** Options of {@link avgPool2d}: {@link Pool2dOptions}, `countIncludePad` and `divisorOverride`. */
export interface AvgPool2dOpOptions extends Pool2dOptions {
  /** Divide by every window position inside the padded input (default true, PyTorch's), or the input only. */
  countIncludePad?: boolean;
  /** Divide every window's sum by this instead (PyTorch's `divisor_override`). Default none. */
  divisorOverride?: number;
}

/**
 * The explicit pads of a pool over an input of spatial size `size`: `padding` resolved, plus, with
 * `ceilMode`, the rows and columns that PyTorch's rounding up adds after the bottom/right padding
 * (so that a `'valid'` pool over the padded input has the ceil-mode output length).
 *
 * @example
 * poolPads([6, 6], [3, 3], [2, 2], 0, true); // [[0, 1], [0, 1]]: 3×3 outputs instead of 2×2
 */
export function poolPads(
  size: [number, number],
  kernel: [number, number],
  strides: [number, number],
  padding: Padding2d,
  ceilMode = false,
  dilation: [number, number] = [1, 1],
): Pads2d {
  const pads = resolvePads(padding, size, kernel, strides, dilation);
  if (!ceilMode) return pads;
  if (typeof padding === 'string')
    throw new Error(`pool: ceilMode needs a numeric padding, not '${padding}'`);
  const extend = (d: 0 | 1): [number, number] => {
    const [before, after] = pads[d];
    const span = size[d] + before + after - (dilation[d] * (kernel[d] - 1) + 1);
    let out = Math.ceil(span / strides[d]) + 1;
    // PyTorch: the last window must start inside the input or its left padding.
    if ((out - 1) * strides[d] >= size[d] + before) out -= 1;
    return [before, after + Math.max(0, (out - 1) * strides[d] - span)];
  };
  return [extend(0), extend(1)];
}

/** Lowest finite float32. Used instead of -Infinity because WGSL may not preserve infinities. */
const LOWEST_F32 = -3.4028234663852886e38;

function prepare(x: Tensor4D, kernel: number | [number, number], options: MaxPool2dOpOptions) {
  const k = pair(kernel, 'kernel');
  const s = pair(options.strides ?? k, 'strides');
  const d = pair(options.dilation ?? 1, 'dilation');
  if (d.some((v) => v < 1)) throw new Error(`pool: dilation must be >= 1, got [${d}]`);
  const size: [number, number] = [x.shape[1], x.shape[2]];
  const padding = options.padding ?? 0;
  const pads = poolPads(size, k, s, padding, options.ceilMode, d);
  // The pads the divisor counts: the symmetric ones, never the ceil-mode extension.
  const counted = resolvePads(padding, size, k, s);
  return { k, s, d, pads, counted };
}

function padSpatial(x: Tensor4D, pads: Pads2d, value: number): Tensor4D {
  return isZeroPad(pads) ? x : pad(x, [[0, 0], pads[0], pads[1], [0, 0]], value);
}

/**
 * Max pooling over an NHWC batch, PyTorch semantics: padded positions never win.
 *
 * `y[n, i, j, c] = max_{a<kh, b<kw} x̃[n, s·i + d·a, s·j + d·b, c]`, `x̃` = x padded with the lowest
 * float32. Padding is explicit (a `pad` then a `'valid'` pool) so every backend agrees: tfjs
 * backends differ in how their own padded pools treat borders. With `dilation` d > 1 (tfjs's pools
 * have none with strides) the window's kh·kw strided slices are combined by `maximum`, the first
 * of equal maxima in window order taking the gradient, as PyTorch.
 *
 * Shapes: `[N, H, W, C] → [N, floor((H + pt + pb - d·(kh − 1) - 1) / sh) + 1, …, C]` (`ceil` with
 * `ceilMode`).
 *
 * @example
 * const y = maxPool2d(x, 3, { strides: 2, padding: 1 });
 */
export function maxPool2d(
  x: Tensor4D,
  kernel: number | [number, number],
  options: MaxPool2dOpOptions = {},
): Tensor4D {
  const { k, s, d, pads } = prepare(x, kernel, options);
  return tidy(() => {
    const xp = padSpatial(x, pads, LOWEST_F32);
    if (d[0] === 1 && d[1] === 1) return maxPool(xp, k, s, 'valid');
    const [n, h, w, c] = xp.shape;
    const out = [0, 1].map((i) => Math.floor(([h, w][i] - (d[i] * (k[i] - 1) + 1)) / s[i]) + 1);
    let acc: Tensor4D | undefined;
    for (let a = 0; a < k[0]; a++) {
      for (let b = 0; b < k[1]; b++) {
        const begin = [0, a * d[0], b * d[1], 0];
        const end = [n, begin[1] + s[0] * (out[0] - 1) + 1, begin[2] + s[1] * (out[1] - 1) + 1, c];
        const t = stridedSlice(xp, begin, end, [1, s[0], s[1], 1]) as Tensor4D;
        acc = acc ? (maximum(acc, t) as Tensor4D) : t;
      }
    }
    return acc as Tensor4D;
  });
}

/**
 * Average pooling over an NHWC batch.
 *
 * `y[n, i, j, c] = (1 / D) Σ_{a<kh, b<kw} x̃[n, s·i + a, s·j + b, c]`, `x̃` = x zero-padded.
 * With `countIncludePad` (default true, PyTorch's default) `D` is the number of window positions
 * inside the padded input (`kh·kw` but for `ceilMode`'s extra windows, as PyTorch); otherwise the
 * number inside the unpadded input (TensorFlow's rule); `divisorOverride` replaces D everywhere. A
 * divisor other than `kh·kw` is applied as an exact per-position rescale computed in JS.
 *
 * Shapes: `[N, H, W, C] → [N, floor((H + pt + pb - kh) / sh) + 1, …, C]` (`ceil` with `ceilMode`).
 *
 * @example
 * const y = avgPool2d(x, 2);                       // 2×2 windows, stride 2
 */
export function avgPool2d(
  x: Tensor4D,
  kernel: number | [number, number],
  options: AvgPool2dOpOptions = {},
): Tensor4D {
  const { divisorOverride } = options;
  if (divisorOverride !== undefined && !(Number.isFinite(divisorOverride) && divisorOverride !== 0)) {
    throw new Error(`avgPool2d: divisorOverride must be a non-zero number, got ${divisorOverride}`);
  }
  const { k, s, pads, counted } = prepare(x, kernel, options);
  const size: [number, number] = [x.shape[1], x.shape[2]];
  // Positions that count: inside the padded input, or (countIncludePad false) the input itself.
  const none: Pads2d = [
    [0, 0],
    [0, 0],
  ];
  const bounds = (options.countIncludePad ?? true) ? counted : none;
  const rescale = bounds[0].some((p, i) => p !== pads[0][i]) || bounds[1].some((p, i) => p !== pads[1][i]);
  return tidy(() => {
    const y = avgPool(padSpatial(x, pads, 0), k, s, 'valid');
    if (divisorOverride !== undefined) return mul(y, (k[0] * k[1]) / divisorOverride);
    return rescale ? mul(y, inverseCounts(size, k, s, pads, bounds)) : y;
  });
}

/**
 * `kh·kw / (window positions inside the bounds)`, shape [1, Ho, Wo, 1]: the bounds are the input
 * extended by `bounds` pads, the windows those of a pool with `pads`.
 */
function inverseCounts(
  size: [number, number],
  k: [number, number],
  s: [number, number],
  pads: Pads2d,
  bounds: Pads2d,
) {
  const axis = (d: 0 | 1) => {
    const out = outputLength(size[d], pads[d], k[d], s[d]);
    return Array.from({ length: out }, (_, i) => {
      const start = i * s[d] - pads[d][0];
      return Math.min(start + k[d], size[d] + bounds[d][1]) - Math.max(start, -bounds[d][0]);
    });
  };
  const rows = axis(0);
  const cols = axis(1);
  const values = new Float32Array(rows.length * cols.length);
  rows.forEach((r, i) => {
    cols.forEach((c, j) => {
      values[i * cols.length + j] = (k[0] * k[1]) / (r * c);
    });
  });
  return tensor4d(values, [1, rows.length, cols.length, 1]);
}

/**
 * Adaptive average pooling to `[oh, ow]`, PyTorch's bins: output cell `i` averages input rows
 * `floor(i·H/oh) … ceil((i+1)·H/oh) - 1` (likewise columns).
 *
 * `[1, 1]` is a global mean; sizes that divide the input are one `avgPool` with
 * `kernel = stride = H/oh`; other sizes pool rows then columns, one slice per bin (exact: a
 * rectangle's mean is the mean of its row means).
 *
 * Shapes: `[N, H, W, C] → [N, oh, ow, C]`.
 *
 * @example
 * const y = adaptiveAvgPool2d(x, [1, 1]);     // global average pool, [N, 1, 1, C]
 */
export function adaptiveAvgPool2d(x: Tensor4D, outputSize: number | [number, number]): Tensor4D {
  const [oh, ow] = pair(outputSize, 'outputSize');
  const [, h, w] = x.shape;
  if (oh === 1 && ow === 1) return mean(x, [1, 2], true);
  if (h % oh === 0 && w % ow === 0) {
    const k: [number, number] = [h / oh, w / ow];
    return avgPool(x, k, k, 'valid');
  }
  return tidy(() => adaptiveAxis(adaptiveAxis(x, 1, oh), 2, ow));
}

function adaptiveAxis(x: Tensor4D, axis: 1 | 2, out: number): Tensor4D {
  const n = x.shape[axis];
  if (out === n) return x;
  if (n % out === 0) {
    const k: [number, number] = axis === 1 ? [n / out, 1] : [1, n / out];
    return avgPool(x, k, k, 'valid');
  }
  const bins: Tensor4D[] = [];
  for (let i = 0; i < out; i++) {
    const start = Math.floor((i * n) / out);
    const end = Math.ceil(((i + 1) * n) / out);
    const begin = [0, 0, 0, 0];
    const size = [-1, -1, -1, -1];
    begin[axis] = start;
    size[axis] = end - start;
    bins.push(mean(slice(x, begin, size), axis, true));
  }
  return concat(bins, axis);
}
