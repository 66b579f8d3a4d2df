import {
  Conv2D,
  Conv2DBackpropInput,
  type KernelConfig,
  Reverse,
  type TensorInfo,
  Transpose,
} from '@tensorflow/tfjs-core';
import { type ConvInfo, convBackpropKernel, upsampleAndPad } from './conv-backprop-util';
import type { KernelRunner } from './runner';

/**
 * dx[n,h,w,c] = Σ dy[n,i,j,o] · W[a,b,c,o] over h = i·sh + a·dh − top (and likewise for w):
 * a stride-1 convolution of zero-inserted dy with the spatially flipped filter, transposed to
 * [KH, KW, Co, Ci], same dilation. Zero insertion costs sh·sw× the forward FLOPs for strided convs.
 * Runs on any `KernelRunner`: inside the kernel, and in Conv2D's gradient for dilations > 1.
 */
export function conv2dInputGrad(
  r: KernelRunner,
  dy: TensorInfo,
  filter: TensorInfo,
  info: ConvInfo,
): TensorInfo {
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
 * `Conv2DBackpropInput` (also the forward pass of `conv2dTranspose`) built from the backend's own
 * Conv2D / Reverse / Transpose / PadV2 / Reshape / Slice kernels (`conv2dInputGrad`): on wasm this
 * runs through XNNPACK instead of tfjs's naive loop. NCHW is transposed to NHWC and back.
 *
 * Inputs: dy [N,OH,OW,Co] (or NCHW), filter [KH,KW,Ci,Co]. Attrs: strides, pad, dataFormat,
 * dimRoundingMode, inputShape. Output: inputShape.
 *
 * @example
 * registerKernel(conv2DBackpropInputKernel('wasm'));
 */
export function conv2DBackpropInputKernel(backendName: string): KernelConfig {
  return convBackpropKernel(
    {
      kernelName: Conv2DBackpropInput,
      gradient: 'input',
      depthwise: false,
      compute: (r, { dy, filter }, info) => conv2dInputGrad(r, dy as TensorInfo, filter as TensorInfo, info),
    },
    backendName,
  );
}
