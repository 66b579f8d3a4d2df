import {
  Conv2D,
  Conv2DBackpropFilter,
  Conv2DBackpropInput,
  DepthwiseConv2dNative,
  DepthwiseConv2dNativeBackpropFilter,
  DepthwiseConv2dNativeBackpropInput,
  engine,
  type GradConfig,
  type NamedAttrMap,
  type Tensor,
  transpose,
} from '@tensorflow/tfjs-core';
import { conv2dFilterGrad } from '../kernels/Conv2DBackpropFilter';
import { conv2dInputGrad } from '../kernels/Conv2DBackpropInput';
import { type ConvAttrs, convInfo } from '../kernels/conv-backprop-util';
import { depthwiseFilterGrad } from '../kernels/DepthwiseConv2dNativeBackpropFilter';
import { depthwiseInputGrad } from '../kernels/DepthwiseConv2dNativeBackpropInput';
import { engineRunner } from '../kernels/runner';

const isOne = (v: unknown) => v === undefined || v === null || [v].flat().every((d) => d === 1);
const run = (name: string, inputs: Record<string, Tensor>, attrs: NamedAttrMap) =>
  engine().runKernel<Tensor>(name, inputs, attrs);

/**
 * conv2d(x, W) → dx, dW. Dilation 1: the backend's Conv2DBackpropInput / Conv2DBackpropFilter
 * kernels (convkit's on wasm and for cpu's filter gradient). Dilation > 1 (refused by tfjs's own
 * gradient): the same convolution identities with the dilation carried into forward Conv2D kernels
 * (`conv2dInputGrad`, `conv2dFilterGrad`), exact on every backend, strides > 1 included.
 * NCHW is handled by transposing to NHWC.
 */
export const conv2DGrad: GradConfig = {
  kernelName: Conv2D,
  inputsToSave: ['x', 'filter'],
  gradFunc: (dy, saved, attrs) => {
    const [x, filter] = saved as [Tensor, Tensor];
    const { strides, pad, dataFormat, dimRoundingMode, dilations } = attrs;
    const g = dy as Tensor;
    if (isOne(dilations)) {
      const common = { strides, pad, dataFormat, dimRoundingMode } as NamedAttrMap;
      return {
        x: () => run(Conv2DBackpropInput, { dy: g, filter }, { ...common, inputShape: x.shape }),
        filter: () => run(Conv2DBackpropFilter, { x, dy: g }, { ...common, filterShape: filter.shape }),
      };
    }
    const info = convInfo(x.shape, filter.shape, attrs as unknown as ConvAttrs, false);
    const nchw = info.dataFormat === 'channelsFirst';
    const toNHWC = (t: Tensor) => (nchw ? transpose(t, [0, 2, 3, 1]) : t);
    return {
      x: () => {
        const dx = conv2dInputGrad(engineRunner, toNHWC(g), filter, info) as Tensor;
        return nchw ? transpose(dx, [0, 3, 1, 2]) : dx;
      },
      filter: () => conv2dFilterGrad(engineRunner, toNHWC(x), toNHWC(g), info) as Tensor,
    };
  },
};

/**
 * depthwiseConv2d(x, W) → dx, dW, any dilation: the backend's depthwise backprop kernels when
 * dilation is 1 (tfjs's cpu/webgpu kernels ignore dilations), else `depthwiseInputGrad` /
 * `depthwiseFilterGrad` through forward DepthwiseConv2dNative kernels.
 */
export const depthwiseConv2dNativeGrad: GradConfig = {
  kernelName: DepthwiseConv2dNative,
  inputsToSave: ['x', 'filter'],
  gradFunc: (dy, saved, attrs) => {
    const [x, filter] = saved as [Tensor, Tensor];
    const { strides, pad, dimRoundingMode, dilations } = attrs;
    const g = dy as Tensor;
    if (isOne(dilations)) {
      const common = { strides, pad, dimRoundingMode, dilations: 1 } as NamedAttrMap;
      return {
        x: () =>
          run(DepthwiseConv2dNativeBackpropInput, { dy: g, filter }, { ...common, inputShape: x.shape }),
        filter: () =>
          run(DepthwiseConv2dNativeBackpropFilter, { x, dy: g }, { ...common, filterShape: filter.shape }),
      };
    }
    const info = convInfo(x.shape, filter.shape, attrs as unknown as ConvAttrs, true);
    return {
      x: () => depthwiseInputGrad(engineRunner, g, filter, info) as Tensor,
      filter: () => depthwiseFilterGrad(engineRunner, x, g, info) as Tensor,
    };
  },
};

/**
 * conv2dTranspose, i.e. y = Conv2DBackpropInput(dy₀, W) → d(dy₀) = conv2d(dy, W) (same strides and
 * padding), dW = Conv2DBackpropFilter(dy, dy₀).
 */
export const conv2DBackpropInputGrad: GradConfig = {
  kernelName: Conv2DBackpropInput,
  inputsToSave: ['dy', 'filter'],
  gradFunc: (ddx, saved, attrs) => {
    const [dy, filter] = saved as [Tensor, Tensor];
    const { strides, pad, dataFormat, dimRoundingMode } = attrs;
    const common = { strides, pad, dataFormat, dimRoundingMode } as NamedAttrMap;
    const g = ddx as Tensor;
    return {
      dy: () => run(Conv2D, { x: g, filter }, { ...common, dilations: 1 }),
      filter: () => run(Conv2DBackpropFilter, { x: g, dy }, { ...common, filterShape: filter.shape }),
    };
  },
};

export const convGradients: GradConfig[] = [conv2DGrad, depthwiseConv2dNativeGrad, conv2DBackpropInputGrad];
