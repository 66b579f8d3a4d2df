import {
  backend_util,
  Conv2DBackpropInput,
  type Conv2DBackpropInputAttrs,
  type KernelBackend,
  type KernelConfig,
  type TensorInfo,
  Transpose,
} from '@tensorflow/tfjs-core';
import { conv2dInputGrad } from './conv-backprop';
import { backendRunner } from './runner';

/**
 * `Conv2DBackpropInput` (also the forward pass of `conv2dTranspose`) built from the backend's own
 * Conv2D / Reverse / Transpose / PadV2 / Reshape / Slice kernels:
 * dx = conv2d(zero-insert(dy, strides), reverse(W, [0,1]) transposed to [KH,KW,Co,Ci], stride 1,
 * padding K−1−pad) — see `conv2dInputGrad`. On wasm this runs through XNNPACK instead of tfjs's naive
 * loop. NCHW is transposed to NHWC and back.
 *
 * Inputs: dy [N,OH,OW,Co] (or NCHW), filter [KH,KW,Ci,Co]. Attrs: strides, pad, dataFormat,
 * dimRoundingMode, inputShape. Output: inputShape.
 *
 * @example
 * registerKernel(conv2DBackpropInputKernel('wasm'));
 */
export function conv2DBackpropInputKernel(backendName: string): KernelConfig {
  return {
    kernelName: Conv2DBackpropInput,
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
      const { strides, pad, dataFormat, dimRoundingMode, inputShape } =
        attrs as unknown as Conv2DBackpropInputAttrs;
      const format = backend_util.convertConv2DDataFormat(dataFormat);
      const info = backend_util.computeConv2DInfo(
        inputShape,
        filter.shape as [number, number, number, number],
        strides,
        1,
        pad,
        dimRoundingMode,
        false,
        format,
      );
      const r = backendRunner(backend as KernelBackend, backendName);
      if (format === 'channelsLast') return conv2dInputGrad(r, dy, filter, info);
      const dyh = r.run(Transpose, { x: dy }, { perm: [0, 2, 3, 1] });
      const dxh = conv2dInputGrad(r, dyh, filter, info);
      r.dispose(dyh);
      const out = r.run(Transpose, { x: dxh }, { perm: [0, 3, 1, 2] });
      r.dispose(dxh);
      return out;
    },
  };
}
