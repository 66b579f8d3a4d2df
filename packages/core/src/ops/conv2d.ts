import {
  concat,
  depthwiseConv2d,
  engine,
  fused,
  pad,
  relu,
  reshape,
  slice,
  split,
  type Tensor1D,
  type Tensor4D,
  conv2d as tfConv2d,
  tidy,
} from '@tensorflow/tfjs-core';
import { addBias } from './add';
import { isZeroPad, type Padding2d, pair, resolvePads } from './padding';

/** tfjs's padding argument (its `ExplicitPadding` type is not exported). */
type TfPad = Parameters<typeof tfConv2d>[3];

/** Options of {@link groupedConv2d}. */
export interface GroupedConv2dOptions {
  /** Step of the window, `s` or `[sh, sw]` (default 1). */
  strides?: number | [number, number];
  /** Zero padding: a number, `[ph, pw]`, `'same'` or `'valid'` (default 0). */
  padding?: Padding2d;
  /** Spacing of kernel taps, `d` or `[dh, dw]` (default 1). */
  dilations?: number | [number, number];
  /** Number of channel groups (default 1); `inChannels` and `outChannels` must divide by it. */
  groups?: number;
  /** Per-channel bias `[Cout]` added to the output (default none). */
  bias?: Tensor1D;
  /** `'relu'`: max(y, 0) on the output, in the convolution's output pass where it is fused (default none). */
  activation?: 'relu';
}

/**
 * 2-D convolution over an NHWC batch with PyTorch's `groups`, `dilation` and explicit padding.
 *
 * `y[n, i, j, o] = b[o] + Σ_{a,b,c} x[n, s·i + d·a - pt, s·j + d·b - pl, g(o)·Cg + c] · w[a, b, c, o]`
 * where `g(o) = floor(o / (Cout / groups))` and `Cg = Cin / groups` (`b = 0` without `bias`).
 *
 * tfjs has no grouped convolution, so it is composed:
 * - `groups == 1`, dilation 1, with `bias`, outside a gradient tape: `fused.conv2d` (FusedConv2D),
 *   which adds the bias (and applies `activation`) in the conv's output pass instead of further
 *   passes over `y`.
 * - `groups == 1` otherwise: `conv2d`, then `addBias(y, bias)` (which saves no activation for
 *   backward). Under a tape this is faster: tfjs's fused gradient (a customGrad) always computes `dx`,
 *   even for a data input, while Conv2D's registered gradient is only asked for the inputs needed
 *   (bench/RESULTS.md, "Measurements behind design choices").
 * - `groups == Cin` (depthwise, any multiplier m = Cout / Cin): `depthwiseConv2d` with the filter
 *   reshaped `[kh, kw, 1, Cin·m] → [kh, kw, Cin, m]`. Both order output channels `c·m + q`, so the
 *   reshape is exact.
 * - otherwise: split input channels and filter outputs into `groups` slices, convolve each,
 *   concatenate. `groups` small kernels cost the same FLOPs as one block-diagonal conv without
 *   multiplying by zeros.
 * tfjs kernels refuse stride > 1 together with dilation > 1; then we convolve with stride 1 and
 * keep every s-th output ({@link subsample2d}), which is exact with explicit pads, at s² the work.
 *
 * Shapes: `x [N, H, W, Cin]`, `filter [kh, kw, Cin / groups, Cout]` (HWIO) → `[N, Ho, Wo, Cout]`,
 * `Ho = floor((H + pt + pb - dh·(kh-1) - 1) / sh) + 1`.
 *
 * @example
 * const y = groupedConv2d(x, w, { strides: 2, padding: 1, groups: 4 });
 */
export function groupedConv2d(x: Tensor4D, filter: Tensor4D, options: GroupedConv2dOptions = {}): Tensor4D {
  const groups = options.groups ?? 1;
  const [sh, sw] = pair(options.strides ?? 1, 'strides');
  const [dh, dw] = pair(options.dilations ?? 1, 'dilations');
  const [kh, kw, cg, cout] = filter.shape;
  const cin = x.shape[3];
  if (!Number.isInteger(groups) || groups < 1 || cin % groups !== 0 || cout % groups !== 0) {
    throw new Error(`groupedConv2d: groups=${groups} must divide in (${cin}) and out (${cout}) channels`);
  }
  if (cg * groups !== cin) {
    throw new Error(
      `groupedConv2d: filter [${filter.shape}] expects ${cg * groups} input channels, got ${cin}`,
    );
  }
  const bias = options.bias;
  if (bias !== undefined && (bias.rank !== 1 || bias.shape[0] !== cout)) {
    throw new Error(`groupedConv2d: bias [${bias.shape}] must be [${cout}]`);
  }
  const size: [number, number] = [x.shape[1], x.shape[2]];
  const pads = resolvePads(options.padding ?? 0, size, [kh, kw], [sh, sw], [dh, dw]);
  const tfPad: TfPad = isZeroPad(pads) ? 'valid' : [[0, 0], pads[0], pads[1], [0, 0]];
  const thin = (sh > 1 || sw > 1) && (dh > 1 || dw > 1);
  const strides: [number, number] = thin ? [1, 1] : [sh, sw];
  const dilations: [number, number] = [dh, dw];

  return tidy(() => {
    const taping = engine().state.gradientDepth > 0;
    const activation = options.activation;
    if (!taping && groups === 1 && bias !== undefined && dh === 1 && dw === 1) {
      return fused.conv2d({ x, filter, bias, strides, pad: tfPad, dilations, activation });
    }
    let y: Tensor4D;
    if (groups === 1) {
      y = tfConv2d(x, filter, strides, tfPad, 'NHWC', dilations);
    } else if (groups === cin) {
      y = depthwiseConv2d(
        x,
        reshape(filter, [kh, kw, cin, cout / cin]) as Tensor4D,
        strides,
        tfPad,
        'NHWC',
        dilations,
      );
    } else {
      const xs = split(x, groups, 3);
      const ws = split(filter, groups, 3);
      y = concat(
        xs.map((xg, g) => tfConv2d(xg as Tensor4D, ws[g] as Tensor4D, strides, tfPad, 'NHWC', dilations)),
        3,
      );
    }
    if (thin) y = subsample2d(y, sh, sw);
    if (bias !== undefined) y = addBias(y, bias) as Tensor4D;
    return activation === 'relu' ? relu(y) : y;
  });
}

/**
 * `y[:, ::sh, ::sw, :]` with ops of rank ≤ 4 (Slice, PadV2, Reshape), whose gradients work on every
 * backend: rows are padded to `Ho·sh`, grouped as `[N·Ho, sh, W, C]`, and the first of each group
 * kept; columns likewise as `[N·Ho·Wo, sw, C]`.
 */
export function subsample2d(y: Tensor4D, sh: number, sw: number): Tensor4D {
  return tidy(() => {
    const [n, h, w, c] = y.shape;
    const ho = Math.ceil(h / sh);
    const wo = Math.ceil(w / sw);
    let t: Tensor4D = y;
    if (sh > 1) {
      if (ho * sh > h)
        t = pad(t, [
          [0, 0],
          [0, ho * sh - h],
          [0, 0],
          [0, 0],
        ]);
      t = reshape(slice(reshape(t, [n * ho, sh, w, c]), [0, 0, 0, 0], [-1, 1, -1, -1]), [n, ho, w, c]);
    }
    if (sw > 1) {
      if (wo * sw > w)
        t = pad(t, [
          [0, 0],
          [0, 0],
          [0, wo * sw - w],
          [0, 0],
        ]);
      t = reshape(slice(reshape(t, [n * ho * wo, sw, c]), [0, 0, 0], [-1, 1, -1]), [n, ho, wo, c]);
    }
    return t;
  });
}
