import {
  cast,
  Elu,
  EluGrad,
  engine,
  exp,
  type GradConfig,
  greater,
  LeakyRelu,
  less,
  logicalAnd,
  mul,
  Prelu,
  Relu,
  Relu6,
  Selu,
  Softmax,
  Softplus,
  scalar,
  sigmoid,
  step,
  sub,
  sum,
  type Tensor,
  where,
  zerosLike,
} from '@tensorflow/tfjs-core';
import { f32, reduceTo } from './util';

// SELU constants (Klambauer et al. 2017), as in tfjs-core's selu_util.
const SELU_SCALE = 1.0507009873554805;
const SELU_SCALE_ALPHA = 1.7580993408473766;

/**
 * relu → dy where x > 0, else 0. Reads the output (y > 0 exactly where x > 0), which the next layer
 * keeps anyway (a conv saves its input), so a conv → norm → relu → conv chain saves one activation
 * fewer than with the input (PyTorch's ReLU saves its output too).
 */
export const reluGrad: GradConfig = {
  kernelName: Relu,
  outputsToSave: [true],
  gradFunc: (dy, [y]) => ({ x: () => mul(dy as Tensor, step(f32(y as Tensor))) }),
};

/** relu6 = min(max(x,0),6) → dy where 0 < x < 6, i.e. 0 < y < 6 (TensorFlow's and PyTorch's convention at the kinks); saves y, as relu. */
export const relu6Grad: GradConfig = {
  kernelName: Relu6,
  outputsToSave: [true],
  gradFunc: (dy, [y]) => ({
    x: () => mul(dy as Tensor, cast(logicalAnd(greater(y as Tensor, 0), less(y as Tensor, 6)), 'float32')),
  }),
};

/** leakyRelu → dy where x > 0, else α·dy. */
export const leakyReluGrad: GradConfig = {
  kernelName: LeakyRelu,
  inputsToSave: ['x'],
  gradFunc: (dy, [x], attrs) => {
    const { alpha } = attrs as { alpha: number };
    return { x: () => where(greater(x as Tensor, 0), dy as Tensor, mul(dy as Tensor, scalar(alpha))) };
  },
};

/** prelu(x, α) → x: dy where x > 0 else α·dy; α: Σ dy·x over x ≤ 0, reduced to α's shape. */
export const preluGrad: GradConfig = {
  kernelName: Prelu,
  inputsToSave: ['x', 'alpha'],
  gradFunc: (dy, saved) => {
    const [x, alpha] = saved as [Tensor, Tensor];
    const positive = () => greater(x, 0);
    return {
      x: () => where(positive(), dy as Tensor, mul(dy as Tensor, alpha)),
      alpha: () => reduceTo(where(positive(), zerosLike(dy as Tensor), mul(dy as Tensor, x)), alpha.shape),
    };
  },
};

/** elu → dy where y > 0, else (y+1)·dy: the backend's EluGrad kernel. */
export const eluGrad: GradConfig = {
  kernelName: Elu,
  outputsToSave: [true],
  gradFunc: (dy, [y]) => ({
    x: () => engine().runKernel<Tensor>(EluGrad, { dy: dy as Tensor, y: y as Tensor }),
  }),
};

/** selu → λ·dy where x > 0, else λα·eˣ·dy. */
export const seluGrad: GradConfig = {
  kernelName: Selu,
  inputsToSave: ['x'],
  gradFunc: (dy, [x]) => ({
    x: () =>
      where(
        greater(x as Tensor, 0),
        mul(dy as Tensor, scalar(SELU_SCALE)),
        mul(dy as Tensor, mul(exp(f32(x as Tensor)), scalar(SELU_SCALE_ALPHA))),
      ),
  }),
};

/** softplus = ln(1+eˣ) → σ(x)·dy. */
export const softplusGrad: GradConfig = {
  kernelName: Softplus,
  inputsToSave: ['x'],
  gradFunc: (dy, [x]) => ({ x: () => mul(dy as Tensor, sigmoid(x as Tensor)) }),
};

/** softmax → y·(dy − Σ_dim dy·y). */
export const softmaxGrad: GradConfig = {
  kernelName: Softmax,
  outputsToSave: [true],
  gradFunc: (dy, [y], attrs) => {
    const { dim } = attrs as { dim: number };
    const yt = y as Tensor;
    return { logits: () => mul(yt, sub(dy as Tensor, sum(mul(dy as Tensor, yt), dim, true))) };
  },
};

export const activationGradients: GradConfig[] = [
  reluGrad,
  relu6Grad,
  leakyReluGrad,
  preluGrad,
  eluGrad,
  seluGrad,
  softplusGrad,
  softmaxGrad,
];
