import {
  Conv2D,
  Conv2DBackpropFilter,
  type KernelConfig,
  type TensorInfo,
  Transpose,
} from '@tensorflow/tfjs-core';
import { type ConvInfo, convBackpropKernel, cropTo, explicitPads, filterGradPad } from './conv-backprop-util';
import { useIm2colFilterGrad, wasmConv2dFilterGradIm2col } from './conv-filter-grad-wasm';
import type { KernelRunner } from './runner';

/**
 * dW[a,b,c,o] = Σ_{n,i,j} x[n, i·sh + a·dh − top, j·sw + b·dw − left, c] · dy[n,i,j,o].
 * That is a convolution over the spatial axes with batch and channels swapped: input
 * xᵀ = [Ci, H, W, N], filter dyᵀ = [OH, OW, N, Co], conv strides = forward dilations,
 * conv dilations = forward strides; its [Ci, KH, KW, Co] result is transposed to HWIO.
 * Cost: one convolution with the forward pass's FLOPs, plus three transposes.
 * Runs on any `KernelRunner`: inside the kernel, and in Conv2D's gradient for dilations > 1.
 */
export function conv2dFilterGrad(r: KernelRunner, x: TensorInfo, dy: TensorInfo, info: ConvInfo): TensorInfo {
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
      pad: explicitPads(top, bottom, left, right),
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

/**
 * `Conv2DBackpropFilter` built from the backend's own Conv2D / Transpose / Slice kernels
 * (`conv2dFilterGrad`); on wasm, 1×1, few-channel and ≥ 256-output-channel convs take matrix products
 * over a transposed im2col instead (`conv-filter-grad-wasm.ts`). NCHW inputs are transposed to NHWC first.
 *
 * Inputs: x [N,H,W,Ci] (or NCHW), dy [N,OH,OW,Co]. Attrs: strides, pad, dataFormat, dimRoundingMode,
 * filterShape. Output: [KH,KW,Ci,Co].
 *
 * @example
 * registerKernel(conv2DBackpropFilterKernel('wasm')); // wasm has none in tfjs 4.22
 */
export function conv2DBackpropFilterKernel(backendName: string): KernelConfig {
  return convBackpropKernel(
    {
      kernelName: Conv2DBackpropFilter,
      gradient: 'filter',
      depthwise: false,
      compute: (r, { x, dy }, info, backend) =>
        backendName === 'wasm' && useIm2colFilterGrad(info)
          ? wasmConv2dFilterGradIm2col(r, backend, x as TensorInfo, dy as TensorInfo, info)
          : conv2dFilterGrad(r, x as TensorInfo, dy as TensorInfo, info),
    },
    backendName,
  );
}
