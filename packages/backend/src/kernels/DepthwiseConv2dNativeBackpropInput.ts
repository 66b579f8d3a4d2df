import {
  DepthwiseConv2dNative,
  DepthwiseConv2dNativeBackpropInput,
  type KernelConfig,
  Reshape,
  Reverse,
  Sum,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { type ConvInfo, convBackpropKernel, upsampleAndPad } from './conv-backprop-util';
import type { KernelRunner } from './runner';

/**
 * Depthwise dx[n,h,w,c] = Σ_m Σ dy[n,i,j,c·M+m] · W[a,b,c,m]: a depthwise stride-1 convolution of
 * zero-inserted dy ([.., C·M] channels) with the flipped filter reshaped to [KH, KW, C·M, 1], then a
 * sum over the multiplier M (skipped when M = 1).
 */
export function depthwiseInputGrad(
  r: KernelRunner,
  dy: TensorInfo,
  filter: TensorInfo,
  info: ConvInfo,
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
 * `DepthwiseConv2dNativeBackpropInput` from the backend's own DepthwiseConv2dNative / Reverse /
 * Reshape / PadV2 / Slice / Sum kernels, dilations honoured (`depthwiseInputGrad`).
 *
 * Inputs: dy [N,OH,OW,C·M], filter [KH,KW,C,M]. Attrs: strides, dilations, pad, dimRoundingMode,
 * inputShape. Output: inputShape [N,H,W,C].
 *
 * @example
 * registerKernel(depthwiseConv2dNativeBackpropInputKernel('wasm'));
 */
export function depthwiseConv2dNativeBackpropInputKernel(backendName: string): KernelConfig {
  return convBackpropKernel(
    {
      kernelName: DepthwiseConv2dNativeBackpropInput,
      gradient: 'input',
      depthwise: true,
      compute: (r, { dy, filter }, info) =>
        depthwiseInputGrad(r, dy as TensorInfo, filter as TensorInfo, info),
    },
    backendName,
  );
}
