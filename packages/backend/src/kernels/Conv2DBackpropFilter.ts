import {
  backend_util,
  Conv2DBackpropFilter,
  type Conv2DBackpropFilterAttrs,
  type KernelBackend,
  type KernelConfig,
  type TensorInfo,
  Transpose,
} from '@tensorflow/tfjs-core';
import { conv2dFilterGrad } from './conv-backprop';
import { backendRunner } from './runner';

/**
 * `Conv2DBackpropFilter` built from the backend's own Conv2D / Transpose / Slice kernels:
 * dW[a,b,c,o] = Σ_{n,i,j} x[n, i·sh + a − top, j·sw + b − left, c] · dy[n,i,j,o], computed as one
 * convolution of xᵀ [Ci,H,W,N] with dyᵀ [OH,OW,N,Co] (see `conv2dFilterGrad`). NCHW inputs are
 * transposed to NHWC first.
 *
 * Inputs: x [N,H,W,Ci] (or NCHW), dy [N,OH,OW,Co]. Attrs: strides, pad, dataFormat, dimRoundingMode,
 * filterShape. Output: [KH,KW,Ci,Co].
 *
 * @example
 * registerKernel(conv2DBackpropFilterKernel('wasm')); // wasm has none in tfjs 4.22
 */
export function conv2DBackpropFilterKernel(backendName: string): KernelConfig {
  return {
    kernelName: Conv2DBackpropFilter,
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
      const { strides, pad, dataFormat, dimRoundingMode, filterShape } =
        attrs as unknown as Conv2DBackpropFilterAttrs;
      const format = backend_util.convertConv2DDataFormat(dataFormat);
      const info = backend_util.computeConv2DInfo(
        x.shape as [number, number, number, number],
        filterShape,
        strides,
        1,
        pad,
        dimRoundingMode,
        false,
        format,
      );
      const r = backendRunner(backend as KernelBackend, backendName);
      if (format === 'channelsLast') return conv2dFilterGrad(r, x, dy, info);
      const xh = r.run(Transpose, { x }, { perm: [0, 2, 3, 1] });
      const dyh = r.run(Transpose, { x: dy }, { perm: [0, 2, 3, 1] });
      const out = conv2dFilterGrad(r, xh, dyh, info);
      r.dispose(xh);
      r.dispose(dyh);
      return out;
    },
  };
}
