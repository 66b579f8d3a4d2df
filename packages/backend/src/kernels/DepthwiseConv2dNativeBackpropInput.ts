import {
  backend_util,
  DepthwiseConv2dNativeBackpropInput,
  type DepthwiseConv2dNativeBackpropInputAttrs,
  type KernelBackend,
  type KernelConfig,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { depthwiseInputGrad } from './conv-backprop';
import { backendRunner } from './runner';

/**
 * `DepthwiseConv2dNativeBackpropInput` from the backend's own DepthwiseConv2dNative / Reverse /
 * Reshape / PadV2 / Slice / Sum kernels, dilations honoured:
 * dx = Σ_m depthwise(zero-insert(dy, strides), reverse(W, [0,1]) as [KH,KW,C·M,1], stride 1,
 * padding K_eff−1−pad) — see `depthwiseInputGrad`.
 *
 * Inputs: dy [N,OH,OW,C·M], filter [KH,KW,C,M]. Attrs: strides, dilations, pad, dimRoundingMode,
 * inputShape. Output: inputShape [N,H,W,C].
 *
 * @example
 * registerKernel(depthwiseConv2dNativeBackpropInputKernel('wasm'));
 */
export function depthwiseConv2dNativeBackpropInputKernel(backendName: string): KernelConfig {
  return {
    kernelName: DepthwiseConv2dNativeBackpropInput,
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
      const { strides, dilations, pad, dimRoundingMode, inputShape } =
        attrs as unknown as DepthwiseConv2dNativeBackpropInputAttrs;
      const info = backend_util.computeConv2DInfo(
        inputShape,
        filter.shape as [number, number, number, number],
        strides,
        dilations ?? 1,
        pad,
        dimRoundingMode,
        true,
      );
      return depthwiseInputGrad(backendRunner(backend as KernelBackend, backendName), dy, filter, info);
    },
  };
}
