import {
  backend_util,
  type KernelBackend,
  type KernelConfig,
  PadV2,
  Reshape,
  Slice,
  type TensorInfo,
  Transpose,
} from '@tensorflow/tfjs-core';
import { backendRunner, type KernelRunner } from './runner';

/**
 * What the four conv-backprop kernels share (`Conv2DBackpropFilter.ts`, `Conv2DBackpropInput.ts`,
 * `DepthwiseConv2dNativeBackpropFilter.ts`, `DepthwiseConv2dNativeBackpropInput.ts`): the kernel
 * wrapper, and the padding, cropping and zero-insertion steps of expressing a convolution's backprop
 * as forward convolutions. Tensors are NHWC, filters HWIO (`[KH, KW, Ci, Co]`, depthwise `[KH, KW, C, M]`).
 *
 * Forward: y[n,i,j,o] = Σ_{a,b,c} x[n, i·sh + a·dh − top, j·sw + b·dw − left, c] · W[a,b,c,o].
 */
export type ConvInfo = backend_util.Conv2DInfo;
export type Pads = [[number, number], [number, number], [number, number], [number, number]];

/** The convolution attributes of tfjs's conv kernels (`Conv2DAttrs`, `*BackpropFilterAttrs`, …). */
export interface ConvAttrs {
  strides: number | [number, number];
  pad: 'same' | 'valid' | number | backend_util.ExplicitPadding;
  dataFormat?: 'NHWC' | 'NCHW';
  dilations?: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/**
 * The forward convolution's `Conv2DInfo` from a conv kernel's attributes: NHWC or NCHW (`dataFormat`;
 * depthwise convolutions are NHWC), dilations 1 when absent.
 */
export function convInfo(
  inShape: readonly number[],
  filterShape: readonly number[],
  attrs: ConvAttrs,
  depthwise: boolean,
): ConvInfo {
  return backend_util.computeConv2DInfo(
    inShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
    depthwise,
    depthwise ? 'channelsLast' : backend_util.convertConv2DDataFormat(attrs.dataFormat ?? 'NHWC'),
  );
}

/** One conv-backprop kernel: which gradient it computes and how, on NHWC tensors. */
interface ConvBackpropSpec {
  kernelName: string;
  /**
   * `'filter'`: inputs x and dy, attribute `filterShape`, output the filter gradient (HWIO either way).
   * `'input'`: inputs dy and filter, attribute `inputShape`, output the input gradient (an image).
   */
  gradient: 'filter' | 'input';
  /** Depthwise (`[KH, KW, C, M]` filters, NHWC, dilations honoured) or a plain conv (dilation 1, NHWC or NCHW). */
  depthwise: boolean;
  /** The NHWC computation over the backend's own kernels. */
  compute(r: KernelRunner, inputs: Record<string, TensorInfo>, info: ConvInfo): TensorInfo;
}

/**
 * A conv-backprop `KernelConfig` for `backendName`: reads the forward pass's `Conv2DInfo` from the
 * inputs and attributes, transposes NCHW images to NHWC and back, and runs `spec.compute` on the
 * backend's own kernels (`backendRunner`), freeing every intermediate.
 */
export function convBackpropKernel(spec: ConvBackpropSpec, backendName: string): KernelConfig {
  const images = spec.gradient === 'filter' ? ['x', 'dy'] : ['dy'];
  return {
    kernelName: spec.kernelName,
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const ins = inputs as Record<string, TensorInfo>;
      const a = attrs as unknown as ConvAttrs & { filterShape: number[]; inputShape: number[] };
      const [inShape, filterShape] =
        spec.gradient === 'filter'
          ? [(ins.x as TensorInfo).shape, a.filterShape]
          : [a.inputShape, (ins.filter as TensorInfo).shape];
      // tfjs's Conv2DBackprop* attributes have no dilations: those kernels are for dilation 1.
      const info = convInfo(
        inShape,
        filterShape,
        spec.depthwise ? a : { ...a, dilations: 1 },
        spec.depthwise,
      );
      const r = backendRunner(backend as KernelBackend, backendName);
      if (info.dataFormat === 'channelsLast') return spec.compute(r, ins, info);
      const nhwc = { ...ins };
      for (const name of images) {
        nhwc[name] = r.run(Transpose, { x: ins[name] as TensorInfo }, { perm: [0, 2, 3, 1] });
      }
      const out = spec.compute(r, nhwc, info);
      for (const name of images) r.dispose(nhwc[name] as TensorInfo);
      if (spec.gradient === 'filter') return out;
      const back = r.run(Transpose, { x: out }, { perm: [0, 3, 1, 2] });
      r.dispose(out);
      return back;
    },
  };
}

/** Explicit NHWC padding `[[0, 0], [top, bottom], [left, right], [0, 0]]`. */
export const explicitPads = (top: number, bottom: number, left: number, right: number): Pads => [
  [0, 0],
  [top, bottom],
  [left, right],
  [0, 0],
];

/**
 * Bottom/right padding that makes a "filter-gradient" convolution produce at least K taps:
 * rows needed = (K − 1)·d + (O − 1)·s + 1. Never more than the forward pass's own padding.
 */
export function filterGradPad(
  k: number,
  d: number,
  o: number,
  s: number,
  inSize: number,
  before: number,
): number {
  return Math.max(0, (k - 1) * d + (o - 1) * s + 1 - inSize - before);
}

/** Keeps the first `size[i]` entries along each axis of `t`, when `t` is larger. */
export function cropTo(r: KernelRunner, t: TensorInfo, size: number[]): TensorInfo {
  if (t.shape.every((d, i) => d === size[i])) return t;
  const out = r.run(Slice, { x: t }, { begin: size.map(() => 0), size });
  r.dispose(t);
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
export function upsampleAndPad(
  r: KernelRunner,
  dy: TensorInfo,
  info: ConvInfo,
): { z: TensorInfo; pad: Pads } {
  const z0 = zeroInsert(r, dy, info.strideHeight, info.strideWidth);
  const { effectiveFilterHeight: ekh, effectiveFilterWidth: ekw } = info;
  const [n, zh, zw, c] = z0.shape;
  // Output row h reads z rows h − pt … h − pt + ekh − 1, with pt = ekh − 1 − top; pb makes rows = H.
  const pt = ekh - 1 - info.padInfo.top;
  const pl = ekw - 1 - info.padInfo.left;
  const pb = info.inHeight - zh - pt + ekh - 1;
  const pr = info.inWidth - zw - pl + ekw - 1;
  if (pt >= 0 && pl >= 0 && pb >= 0 && pr >= 0) return { z: z0, pad: explicitPads(pt, pb, pl, pr) };
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
  return { z, pad: explicitPads(Math.max(0, pt), Math.max(0, pb), Math.max(0, pl), Math.max(0, pr)) };
}
