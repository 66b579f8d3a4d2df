import {
  Abs,
  add,
  Cos,
  cos,
  div,
  Erf,
  Exp,
  Expm1,
  exp,
  type GradConfig,
  Log,
  Log1p,
  mul,
  Neg,
  neg,
  Reciprocal,
  Rsqrt,
  Sigmoid,
  Sin,
  Sqrt,
  Square,
  scalar,
  sign,
  sin,
  square,
  sub,
  Tanh,
  type Tensor,
} from '@tensorflow/tfjs-core';
import { f32 } from './util';

type Rule = (dy: Tensor, t: Tensor) => Tensor;

/** dx = rule(dy, x): the derivative needs the input. */
const fromInput = (kernelName: string, rule: Rule): GradConfig => ({
  kernelName,
  inputsToSave: ['x'],
  gradFunc: (dy, saved) => ({ x: () => rule(dy as Tensor, f32(saved[0] as Tensor)) }),
});

/** dx = rule(dy, y): the derivative is cheaper from the output (exp, sqrt, sigmoid, tanh, ...). */
const fromOutput = (kernelName: string, rule: Rule): GradConfig => ({
  kernelName,
  outputsToSave: [true],
  gradFunc: (dy, saved) => ({ x: () => rule(dy as Tensor, f32(saved[0] as Tensor)) }),
});

/** −x → −dy. */
export const negGrad: GradConfig = { kernelName: Neg, gradFunc: (dy) => ({ x: () => neg(dy as Tensor) }) };
/** x² → 2x·dy. */
export const squareGrad = fromInput(Square, (dy, x) => mul(dy, mul(x, scalar(2))));
/** |x| → sign(x)·dy (0 at x = 0). */
export const absGrad = fromInput(Abs, (dy, x) => mul(dy, sign(x)));
/** ln x → dy/x. */
export const logGrad = fromInput(Log, (dy, x) => div(dy, x));
/** ln(1+x) → dy/(1+x). */
export const log1pGrad = fromInput(Log1p, (dy, x) => div(dy, add(x, scalar(1))));
/** erf x → dy·(2/√π)·e^(−x²). */
export const erfGrad = fromInput(Erf, (dy, x) =>
  mul(dy, mul(exp(neg(square(x))), scalar(2 / Math.sqrt(Math.PI)))),
);
/** sin x → cos(x)·dy. */
export const sinGrad = fromInput(Sin, (dy, x) => mul(dy, cos(x)));
/** cos x → −sin(x)·dy. */
export const cosGrad = fromInput(Cos, (dy, x) => neg(mul(dy, sin(x))));
/** eˣ → y·dy. */
export const expGrad = fromOutput(Exp, (dy, y) => mul(dy, y));
/** eˣ−1 → (y+1)·dy. */
export const expm1Grad = fromOutput(Expm1, (dy, y) => mul(dy, add(y, scalar(1))));
/** √x → dy/(2y). */
export const sqrtGrad = fromOutput(Sqrt, (dy, y) => div(dy, mul(y, scalar(2))));
/** 1/√x → −½·y³·dy. */
export const rsqrtGrad = fromOutput(Rsqrt, (dy, y) => mul(dy, mul(mul(square(y), y), scalar(-0.5))));
/** 1/x → −y²·dy. */
export const reciprocalGrad = fromOutput(Reciprocal, (dy, y) => neg(mul(dy, square(y))));
/** σ(x) → y(1−y)·dy. */
export const sigmoidGrad = fromOutput(Sigmoid, (dy, y) => mul(dy, mul(y, sub(scalar(1), y))));
/** tanh x → (1−y²)·dy. */
export const tanhGrad = fromOutput(Tanh, (dy, y) => mul(dy, sub(scalar(1), square(y))));

export const unaryGradients: GradConfig[] = [
  negGrad,
  squareGrad,
  absGrad,
  logGrad,
  log1pGrad,
  erfGrad,
  sinGrad,
  cosGrad,
  expGrad,
  expm1Grad,
  sqrtGrad,
  rsqrtGrad,
  reciprocalGrad,
  sigmoidGrad,
  tanhGrad,
];
