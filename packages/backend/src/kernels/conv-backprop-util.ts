import {
  type Attribute,
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

/** The attributes every conv-backprop kernel reads (tfjs's `*BackpropFilterAttrs` / `*BackpropInputAttrs`). */
interface ConvBackpropAttrs {
  strides: number | [number, number];
  pad: 'same' | 'valid' | number | backend_util.ExplicitPadding;
  dataFormat?: 'NHWC' | 'NCHW';
  dilations?: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** How one conv-backprop kernel reads its inputs. */
interface ConvBackpropSpec {
  kernelName: string;
  /** Depthwise (`[KH, KW, C, M]` filters, dilations honoured) or a plain conv (dilation 1, NHWC or NCHW). */
  depthwise: boolean;
  /** The forward pass's input and filter shapes, from the kernel's inputs and attributes. */
  shapes(inputs: Record<string, TensorInfo>, attrs: Record<string, Attribute>): [number[], number[]];
  /** The inputs that are NCHW with `dataFormat: 'NCHW'` (transposed to NHWC before `compute`). */
  layoutInputs: string[];
  /** Whether the output is an image (transposed back to NCHW) or a filter (HWIO either way). */
  imageOutput: boolean;
  /** The NHWC computation over the backend's own kernels. */
  compute(r: KernelRunner, inputs: Record<string, TensorInfo>, info: ConvInfo): TensorInfo;
}

/**
 * A conv-backprop `KernelConfig` for `backendName`: reads the forward pass's `Conv2DInfo` from the
 * attributes, transposes NCHW to NHWC and back when asked, and runs `spec.compute` on the backend's
 * own kernels (`backendRunner`), freeing every intermediate.
 */
export function convBackpropKernel(spec: ConvBackpropSpec, backendName: string): KernelConfig {
  return {
    kernelName: spec.kernelName,
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const a = attrs as unknown as ConvBackpropAttrs;
      const ins = inputs as Record<string, TensorInfo>;
      const format = spec.depthwise
        ? 'channelsLast'
        : backend_util.convertConv2DDataFormat(a.dataFormat ?? 'NHWC');
      const [inShape, filterShape] = spec.shapes(ins, attrs ?? {});
      const info = backend_util.computeConv2DInfo(
        inShape as [number, number, number, number],
        filterShape as [number, number, number, number],
        a.strides,
        spec.depthwise ? (a.dilations ?? 1) : 1,
        a.pad,
        a.dimRoundingMode,
        spec.depthwise,
        format,
      );
      const r = backendRunner(backend as KernelBackend, backendName);
      if (format === 'channelsLast') return spec.compute(r, ins, info);
      const nhwc = { ...ins };
      for (const name of spec.layoutInputs) {
        nhwc[name] = r.run(Transpose, { x: ins[name] as TensorInfo }, { perm: [0, 2, 3, 1] });
      }
      const out = spec.compute(r, nhwc, info);
      for (const name of spec.layoutInputs) r.dispose(nhwc[name] as TensorInfo);
      if (!spec.imageOutput) return out;
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
