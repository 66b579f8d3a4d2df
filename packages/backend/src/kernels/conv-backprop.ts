import {
  type backend_util,
  Conv2D,
  DepthwiseConv2dNative,
  PadV2,
  Reshape,
  Reverse,
  Slice,
  Sum,
  type TensorInfo,
  Transpose,
} from '@tensorflow/tfjs-core';
import type { KernelRunner } from './runner';

/**
 * Backprop of 2-D convolution expressed as forward convolutions, which every backend runs fast
 * (XNNPACK on wasm). Tensors are NHWC, filters HWIO (`[KH, KW, Ci, Co]`, depthwise `[KH, KW, C, M]`).
 * `info` is the forward pass's `backend_util.computeConv2DInfo(...)`; any stride, dilation and padding
 * (same / valid / explicit, asymmetric) is supported, strides and dilations both > 1 included.
 *
 * Forward: y[n,i,j,o] = Σ_{a,b,c} x[n, i·sh + a·dh − top, j·sw + b·dw − left, c] · W[a,b,c,o].
 */
type Info = backend_util.Conv2DInfo;
type Pads = [[number, number], [number, number], [number, number], [number, number]];

const explicit = (top: number, bottom: number, left: number, right: number): Pads => [
  [0, 0],
  [top, bottom],
  [left, right],
  [0, 0],
];

/**
 * Bottom/right padding that makes a "filter-gradient" convolution produce at least K taps:
 * rows needed = (K − 1)·d + (O − 1)·s + 1. Never more than the forward pass's own padding.
 */
function filterGradPad(k: number, d: number, o: number, s: number, inSize: number, before: number): number {
  return Math.max(0, (k - 1) * d + (o - 1) * s + 1 - inSize - before);
}

/** Keeps the first `size[i]` entries along each axis of `t`, when `t` is larger. */
function cropTo(r: KernelRunner, t: TensorInfo, size: number[]): TensorInfo {
  if (t.shape.every((d, i) => d === size[i])) return t;
  const out = r.run(Slice, { x: t }, { begin: size.map(() => 0), size });
  r.dispose(t);
  return out;
}

/**
 * dW[a,b,c,o] = Σ_{n,i,j} x[n, i·sh + a·dh − top, j·sw + b·dw − left, c] · dy[n,i,j,o].
 * That is a convolution over the spatial axes with batch and channels swapped: input
 * xᵀ = [Ci, H, W, N], filter dyᵀ = [OH, OW, N, Co], conv strides = forward dilations,
 * conv dilations = forward strides; its [Ci, KH, KW, Co] result is transposed to HWIO.
 * Cost: one convolution with the forward pass's FLOPs, plus three transposes.
 */
export function conv2dFilterGrad(r: KernelRunner, x: TensorInfo, dy: TensorInfo, info: Info): TensorInfo {
  const { filterHeight: kh, filterWidth: kw, inChannels: ci, outChannels: co } = info;
  const { top, left } = info.padInfo;
  const xt = r.run(Transpose, { x }, { perm: [3, 1, 2, 0] });
  const dyt = r.run(Transpose, { x: dy }, { perm: [1, 2, 0, 3] });
  const bottom = filterGradPad(
    kh,
    info.dilationHeight,
    info.outHeight,
    info.strideHeight,
    info.inHeight,
    top,
  );
  const right = filterGradPad(kw, info.dilationWidth, info.outWidth, info.strideWidth, info.inWidth, left);
  const full = r.run(
    Conv2D,
    { x: xt, filter: dyt },
    {
      strides: [info.dilationHeight, info.dilationWidth],
      dilations: [info.strideHeight, info.strideWidth],
      pad: explicit(top, bottom, left, right),
      dataFormat: 'NHWC',
    },
  );
  r.dispose(xt);
  r.dispose(dyt);
  const cropped = cropTo(r, full, [ci, kh, kw, co]);
  const out = r.run(Transpose, { x: cropped }, { perm: [1, 2, 0, 3] });
  r.dispose(cropped);
  return out;
}

/** Pads axis 2 of a rank-4 tensor with `extra` zeros after each entry. */
function padAxis2(r: KernelRunner, t: TensorInfo, extra: number): TensorInfo {
  return r.run(
    PadV2,
    { x: t },
    {
      paddings: [
        [0, 0],
        [0, 0],
        [0, extra],
        [0, 0],
      ],
      constantValue: 0,
    },
  );
}

/**
 * Inserts s−1 zeros after every row/column of `t` [N, OH, OW, C] → [N, OH·sh, OW·sw, C]
 * (the trailing zeros are accounted for in the padding that follows). Two rank-4 pads, one per
 * axis: webgpu's PadV2 shader cannot index rank 6.
 */
function zeroInsert(r: KernelRunner, t: TensorInfo, sh: number, sw: number): TensorInfo {
  if (sh === 1 && sw === 1) return t;
  const [n, oh, ow, c] = t.shape;
  let cur = t;
  const step = (next: TensorInfo) => {
    if (cur !== t) r.dispose(cur);
    cur = next;
  };
  if (sh > 1) {
    step(r.run(Reshape, { x: cur }, { shape: [n, oh, 1, ow * c] }));
    step(padAxis2(r, cur, sh - 1));
  }
  if (sw > 1) {
    step(r.run(Reshape, { x: cur }, { shape: [n * oh * sh, ow, 1, c] }));
    step(padAxis2(r, cur, sw - 1));
  }
  step(r.run(Reshape, { x: cur }, { shape: [n, oh * sh, ow * sw, c] }));
  return cur;
}

/**
 * The "transposed convolution" half shared by both input gradients: zero-insert dy by the stride,
 * then pad so that a stride-1 convolution with the flipped filter (same dilation) gives exactly
 * [H, W]. A negative padding (forward padding larger than the dilated kernel) becomes a crop.
 */
function upsampleAndPad(r: KernelRunner, dy: TensorInfo, info: Info): { z: TensorInfo; pad: Pads } {
  const z0 = zeroInsert(r, dy, info.strideHeight, info.strideWidth);
  const { effectiveFilterHeight: ekh, effectiveFilterWidth: ekw } = info;
  const [n, zh, zw, c] = z0.shape;
  // Output row h reads z rows h − pt … h − pt + ekh − 1, with pt = ekh − 1 − top; pb makes rows = H.
  const pt = ekh - 1 - info.padInfo.top;
  const pl = ekw - 1 - info.padInfo.left;
  const pb = info.inHeight - zh - pt + ekh - 1;
  const pr = info.inWidth - zw - pl + ekw - 1;
  if (pt >= 0 && pl >= 0 && pb >= 0 && pr >= 0) return { z: z0, pad: explicit(pt, pb, pl, pr) };
  const cropTop = Math.max(0, -pt);
  const cropLeft = Math.max(0, -pl);
  const z = r.run(
    Slice,
    { x: z0 },
    {
      begin: [0, cropTop, cropLeft, 0],
      size: [n, zh - cropTop - Math.max(0, -pb), zw - cropLeft - Math.max(0, -pr), c],
    },
  );
  if (z0 !== dy) r.dispose(z0);
  return { z, pad: explicit(Math.max(0, pt), Math.max(0, pb), Math.max(0, pl), Math.max(0, pr)) };
}

/**
 * dx[n,h,w,c] = Σ dy[n,i,j,o] · W[a,b,c,o] over h = i·sh + a·dh − top (and likewise for w):
 * a stride-1 convolution of zero-inserted dy with the spatially flipped filter, transposed to
 * [KH, KW, Co, Ci], same dilation. Zero insertion costs sh·sw× the forward FLOPs for strided convs.
 */
export function conv2dInputGrad(r: KernelRunner, dy: TensorInfo, filter: TensorInfo, info: Info): TensorInfo {
  const { z, pad } = upsampleAndPad(r, dy, info);
  const flipped = r.run(Reverse, { x: filter }, { dims: [0, 1] });
  const wt = r.run(Transpose, { x: flipped }, { perm: [0, 1, 3, 2] });
  r.dispose(flipped);
  const out = r.run(
    Conv2D,
    { x: z, filter: wt },
    { strides: [1, 1], dilations: [info.dilationHeight, info.dilationWidth], pad, dataFormat: 'NHWC' },
  );
  r.dispose(wt);
  if (z !== dy) r.dispose(z);
  return out;
}

/**
 * Depthwise dx[n,h,w,c] = Σ_m Σ dy[n,i,j,c·M+m] · W[a,b,c,m]: a depthwise stride-1 convolution of
 * zero-inserted dy ([.., C·M] channels) with the flipped filter reshaped to [KH, KW, C·M, 1], then a
 * sum over the multiplier M (skipped when M = 1).
 */
export function depthwiseInputGrad(
  r: KernelRunner,
  dy: TensorInfo,
  filter: TensorInfo,
  info: Info,
): TensorInfo {
  const [kh, kw, c, m] = filter.shape;
  const { z, pad } = upsampleAndPad(r, dy, info);
  const flipped = r.run(Reverse, { x: filter }, { dims: [0, 1] });
  const wf = r.run(Reshape, { x: flipped }, { shape: [kh, kw, c * m, 1] });
  r.dispose(flipped);
  const perChannel = r.run(
    DepthwiseConv2dNative,
    { x: z, filter: wf },
    { strides: [1, 1], dilations: [info.dilationHeight, info.dilationWidth], pad, dataFormat: 'NHWC' },
  );
  r.dispose(wf);
  if (z !== dy) r.dispose(z);
  if (m === 1) return perChannel;
  const [n, h, w] = perChannel.shape;
  const split = r.run(Reshape, { x: perChannel }, { shape: [n, h, w, c, m] });
  r.dispose(perChannel);
  const out = r.run(Sum, { x: split }, { axis: [4], keepDims: false });
  r.dispose(split);
  return out;
}

/**
 * Depthwise dW[a,b,c,m] = Σ_{n,i,j} x[n, i·sh + a·dh − top, .., c] · dy[n,i,j,c·M+m]: one depthwise
 * convolution over N·C channels with batch 1 — input x as [1, H, W, N·C], filter dy as
 * [OH, OW, N·C, M], strides = forward dilations, dilations = forward strides — then a sum over N.
 */
export function depthwiseFilterGrad(r: KernelRunner, x: TensorInfo, dy: TensorInfo, info: Info): TensorInfo {
  const [n, h, w, c] = x.shape;
  const { filterHeight: kh, filterWidth: kw, outHeight: oh, outWidth: ow } = info;
  const m = info.outChannels / c;
  const { top, left } = info.padInfo;
  const xt = r.run(Transpose, { x }, { perm: [1, 2, 0, 3] });
  const xr = r.run(Reshape, { x: xt }, { shape: [1, h, w, n * c] });
  r.dispose(xt);
  const dyt = r.run(Transpose, { x: dy }, { perm: [1, 2, 0, 3] });
  const dyr = r.run(Reshape, { x: dyt }, { shape: [oh, ow, n * c, m] });
  r.dispose(dyt);
  const bottom = filterGradPad(kh, info.dilationHeight, oh, info.strideHeight, h, top);
  const right = filterGradPad(kw, info.dilationWidth, ow, info.strideWidth, w, left);
  const full = r.run(
    DepthwiseConv2dNative,
    { x: xr, filter: dyr },
    {
      strides: [info.dilationHeight, info.dilationWidth],
      dilations: [info.strideHeight, info.strideWidth],
      pad: explicit(top, bottom, left, right),
      dataFormat: 'NHWC',
    },
  );
  r.dispose(xr);
  r.dispose(dyr);
  const cropped = cropTo(r, full, [1, kh, kw, n * c * m]);
  const perSample = r.run(Reshape, { x: cropped }, { shape: [kh, kw, n, c * m] });
  r.dispose(cropped);
  const summed = n === 1 ? perSample : r.run(Sum, { x: perSample }, { axis: [2], keepDims: false });
  if (summed !== perSample) r.dispose(perSample);
  const out = r.run(Reshape, { x: summed }, { shape: [kh, kw, c, m] });
  r.dispose(summed);
  return out;
}
