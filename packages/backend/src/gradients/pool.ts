import {
  AvgPool,
  backend_util,
  DepthwiseConv2dNativeBackpropInput,
  div,
  engine,
  type GradConfig,
  MaxPool,
  MaxPoolGrad,
  type NamedAttrMap,
  ones,
  type Tensor,
  tensor4d,
} from '@tensorflow/tfjs-core';

/** maxPool → dy routed to each window's maximum: the backend's MaxPoolGrad kernel. */
export const maxPoolGrad: GradConfig = {
  kernelName: MaxPool,
  inputsToSave: ['x'],
  outputsToSave: [true],
  gradFunc: (dy, saved, attrs) => {
    const [x, y] = saved as [Tensor, Tensor];
    const { filterSize, strides, pad, dimRoundingMode } = attrs;
    return {
      x: () =>
        engine().runKernel<Tensor>(MaxPoolGrad, { dy: dy as Tensor, input: x, output: y }, {
          filterSize,
          strides,
          pad,
          dimRoundingMode,
        } as NamedAttrMap),
    };
  },
};

/** Number of in-bounds taps of each output position along one axis. */
function validTaps(outSize: number, inSize: number, k: number, stride: number, before: number): number[] {
  return Array.from({ length: outSize }, (_, i) => {
    const start = i * stride - before;
    return Math.min(inSize, start + k) - Math.max(0, start);
  });
}

/**
 * avgPool averages each window over its in-bounds elements only (padding is not counted), so
 * dx[h,w] = Σ_{windows ∋ (h,w)} dy[i,j] / count[i,j]: dy divided by the per-window counts, then
 * spread back with a transposed depthwise convolution of an all-ones filter.
 * (tfjs 4.22's AvgPoolGrad kernels divide by the full window size: wrong next to padding.)
 */
export const avgPoolGrad: GradConfig = {
  kernelName: AvgPool,
  inputsToSave: ['x'],
  gradFunc: (dy, [x], attrs) => {
    const xt = x as Tensor;
    const { filterSize, strides, pad, dimRoundingMode } = attrs;
    const info = backend_util.computePool2DInfo(
      xt.shape as [number, number, number, number],
      filterSize as number,
      strides as number,
      1,
      pad as 'same',
      dimRoundingMode as 'floor' | undefined,
    );
    return {
      x: () => {
        const rows = validTaps(
          info.outHeight,
          info.inHeight,
          info.filterHeight,
          info.strideHeight,
          info.padInfo.top,
        );
        const cols = validTaps(
          info.outWidth,
          info.inWidth,
          info.filterWidth,
          info.strideWidth,
          info.padInfo.left,
        );
        const counts = tensor4d(
          rows.flatMap((r) => cols.map((c) => r * c)),
          [1, info.outHeight, info.outWidth, 1],
        );
        const filter = ones([info.filterHeight, info.filterWidth, info.inChannels, 1]);
        return engine().runKernel<Tensor>(
          DepthwiseConv2dNativeBackpropInput,
          { dy: div(dy as Tensor, counts), filter },
          { strides, pad, dimRoundingMode, dilations: 1, inputShape: xt.shape } as NamedAttrMap,
        );
      },
    };
  },
};

export const poolGradients: GradConfig[] = [maxPoolGrad, avgPoolGrad];
