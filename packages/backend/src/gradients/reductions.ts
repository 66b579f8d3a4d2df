import {
  Cumsum,
  cast,
  cumsum,
  div,
  equal,
  type GradConfig,
  Max,
  Mean,
  Min,
  mul,
  ones,
  reshape,
  Sum,
  scalar,
  type Tensor,
  util,
  zeros,
} from '@tensorflow/tfjs-core';
import { keepDimsShape } from './util';

/**
 * dy reshaped to the keepDims shape and broadcast back over the reduced axes, as a broadcasting
 * multiply with ones: on wasm and cpu that is faster than broadcastTo, which runs Tile (a copy per
 * repetition).
 */
function spread(dy: Tensor, xShape: number[], axes: number[]): Tensor {
  if (xShape.includes(0)) return zeros(xShape, 'float32');
  return mul(reshape(dy, keepDimsShape(xShape, axes)), ones(xShape, 'float32'));
}

/** Σ_axes x → dy broadcast over the reduced axes. */
export const sumGrad: GradConfig = {
  kernelName: Sum,
  inputsToSave: ['x'],
  gradFunc: (dy, [x], attrs) => {
    const xt = x as Tensor;
    const axes = util.parseAxisParam(attrs.axis as number | number[], xt.shape);
    return { x: () => spread(dy as Tensor, xt.shape, axes) };
  },
};

/** mean_axes x → dy/N broadcast over the reduced axes, N = number of reduced elements. */
export const meanGrad: GradConfig = {
  kernelName: Mean,
  inputsToSave: ['x'],
  gradFunc: (dy, [x], attrs) => {
    const xt = x as Tensor;
    const axes = util.parseAxisParam(attrs.axis as number | number[], xt.shape);
    const n = axes.reduce((p, a) => p * (xt.shape[a] as number), 1);
    return { x: () => spread(div(dy as Tensor, scalar(n)), xt.shape, axes) };
  },
};

/**
 * max/min over axes → dy to every element equal to the result (ties all receive dy, as in
 * TensorFlow; PyTorch's amax splits it evenly).
 */
function extremumGrad(kernelName: string): GradConfig {
  return {
    kernelName,
    inputsToSave: ['x'],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const [x, y] = saved as [Tensor, Tensor];
      // Max names its axes `reductionIndices`, Min `axis`.
      const axes = util.parseAxisParam((attrs.reductionIndices ?? attrs.axis) as number | number[], x.shape);
      const keep = keepDimsShape(x.shape, axes);
      return { x: () => mul(reshape(dy as Tensor, keep), cast(equal(x, reshape(y, keep)), 'float32')) };
    },
  };
}

export const maxGrad = extremumGrad(Max);
export const minGrad = extremumGrad(Min);

/** cumsum along axis → cumsum of dy in the opposite direction (same exclusivity). */
export const cumsumGrad: GradConfig = {
  kernelName: Cumsum,
  gradFunc: (dy, _, attrs) => {
    const { axis, exclusive, reverse } = attrs as { axis: number; exclusive: boolean; reverse: boolean };
    return { x: () => cumsum(dy as Tensor, axis, exclusive, !reverse) };
  },
};

export const reductionGradients: GradConfig[] = [sumGrad, meanGrad, maxGrad, minGrad, cumsumGrad];
