import {
  backend_util,
  DepthwiseConv2dNativeBackpropFilter,
  type DepthwiseConv2dNativeBackpropFilterAttrs,
  type KernelBackend,
  type KernelConfig,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { depthwiseFilterGrad } from './conv-backprop';
import { backendRunner } from './runner';

/**
 * `DepthwiseConv2dNativeBackpropFilter` from the backend's own DepthwiseConv2dNative / Transpose /
 * Reshape / Slice / Sum kernels, dilations honoured:
 * dW[a,b,c,m] = Σ_{n,i,j} x[n, i·sh + a·dh − top, j·sw + b·dw − left, c] · dy[n,i,j,c·M+m],
 * one depthwise convolution over N·C channels then a sum over N (see `depthwiseFilterGrad`).
 *
 * Inputs: x [N,H,W,C], dy [N,OH,OW,C·M]. Attrs: strides, dilations, pad, dimRoundingMode,
 * filterShape. Output: [KH,KW,C,M].
 *
 * @example
 * registerKernel(depthwiseConv2dNativeBackpropFilterKernel('wasm'));
 */
export function depthwiseConv2dNativeBackpropFilterKernel(backendName: string): KernelConfig {
  return {
    kernelName: DepthwiseConv2dNativeBackpropFilter,
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
      const { strides, dilations, pad, dimRoundingMode, filterShape } =
        attrs as unknown as DepthwiseConv2dNativeBackpropFilterAttrs;
      const info = backend_util.computeConv2DInfo(
        x.shape as [number, number, number, number],
        filterShape,
        strides,
        dilations ?? 1,
        pad,
        dimRoundingMode,
        true,
      );
      return depthwiseFilterGrad(backendRunner(backend as KernelBackend, backendName), x, dy, info);
    },
  };
}
