import {
  DepthwiseConv2dNative,
  DepthwiseConv2dNativeBackpropFilter,
  type KernelConfig,
  Reshape,
  Sum,
  type TensorInfo,
  Transpose,
} from '@tensorflow/tfjs-core';
import { type ConvInfo, convBackpropKernel, cropTo, explicitPads, filterGradPad } from './conv-backprop-util';
import type { KernelRunner } from './runner';

/**
 * Depthwise dW[a,b,c,m] = Σ_{n,i,j} x[n, i·sh + a·dh − top, .., c] · dy[n,i,j,c·M+m]: one depthwise
 * convolution over N·C channels with batch 1 — input x as [1, H, W, N·C], filter dy as
 * [OH, OW, N·C, M], strides = forward dilations, dilations = forward strides — then a sum over N.
 */
export function depthwiseFilterGrad(
  r: KernelRunner,
  x: TensorInfo,
  dy: TensorInfo,
  info: ConvInfo,
): TensorInfo {
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
      pad: explicitPads(top, bottom, left, right),
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

/**
 * `DepthwiseConv2dNativeBackpropFilter` from the backend's own DepthwiseConv2dNative / Transpose /
 * Reshape / Slice / Sum kernels, dilations honoured (`depthwiseFilterGrad`).
 *
 * Inputs: x [N,H,W,C], dy [N,OH,OW,C·M]. Attrs: strides, dilations, pad, dimRoundingMode,
 * filterShape. Output: [KH,KW,C,M].
 *
 * @example
 * registerKernel(depthwiseConv2dNativeBackpropFilterKernel('wasm'));
 */
export function depthwiseConv2dNativeBackpropFilterKernel(backendName: string): KernelConfig {
  return convBackpropKernel(
    {
      kernelName: DepthwiseConv2dNativeBackpropFilter,
      gradient: 'filter',
      depthwise: true,
      compute: (r, { x, dy }, info) => depthwiseFilterGrad(r, x as TensorInfo, dy as TensorInfo, info),
    },
    backendName,
  );
}
