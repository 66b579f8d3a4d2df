import {
  Add,
  AddN,
  Atan2,
  add,
  cast,
  clone,
  div,
  floor,
  type GradConfig,
  greater,
  greaterEqual,
  less,
  lessEqual,
  log,
  Maximum,
  Minimum,
  Mod,
  Multiply,
  mul,
  neg,
  Pow,
  pow,
  RealDiv,
  SquaredDifference,
  Sub,
  scalar,
  square,
  sub,
  type Tensor,
  where,
  zerosLike,
} from '@tensorflow/tfjs-core';
import { f32, reduceTo } from './util';

// Elementwise binary ops with numpy broadcasting: each input's gradient is reduced back to its shape.
const both = ['a', 'b'];
const pair = (saved: Tensor[]) => saved as [Tensor, Tensor];

/** d(a+b) = (dy, dy). */
export const addGrad: GradConfig = {
  kernelName: Add,
  inputsToSave: both,
  gradFunc: (dy, saved) => {
    const [a, b] = pair(saved);
    return { a: () => reduceTo(dy as Tensor, a.shape), b: () => reduceTo(dy as Tensor, b.shape) };
  },
};

/**
 * d(Σ xᵢ)/dxᵢ = dy for every input (all have dy's shape). Each gets its own tensor: the tape may
 * dispose one input's gradient while accumulating, so a gradient is never `dy` itself.
 */
export const addNGrad: GradConfig = {
  kernelName: AddN,
  saveAllInputs: true,
  gradFunc: (dy, saved) => Object.fromEntries(saved.map((_, i) => [i, () => clone(dy as Tensor)])),
};

/** d(a−b) = (dy, −dy). */
export const subGrad: GradConfig = {
  kernelName: Sub,
  inputsToSave: both,
  gradFunc: (dy, saved) => {
    const [a, b] = pair(saved);
    return { a: () => reduceTo(dy as Tensor, a.shape), b: () => reduceTo(neg(dy as Tensor), b.shape) };
  },
};

/** d(a·b) = (dy·b, dy·a). */
export const multiplyGrad: GradConfig = {
  kernelName: Multiply,
  inputsToSave: both,
  gradFunc: (dy, saved) => {
    const [a, b] = pair(saved);
    return {
      a: () => reduceTo(mul(dy as Tensor, f32(b)), a.shape),
      b: () => reduceTo(mul(dy as Tensor, f32(a)), b.shape),
    };
  },
};

/** d(a/b) = (dy/b, −dy·a/b²). */
export const realDivGrad: GradConfig = {
  kernelName: RealDiv,
  inputsToSave: both,
  gradFunc: (dy, saved) => {
    const [a, b] = pair(saved);
    return {
      a: () => reduceTo(div(dy as Tensor, f32(b)), a.shape),
      b: () => reduceTo(neg(div(mul(dy as Tensor, f32(a)), square(f32(b)))), b.shape),
    };
  },
};

/** d(a−b)² = (2(a−b)·dy, −2(a−b)·dy). */
export const squaredDifferenceGrad: GradConfig = {
  kernelName: SquaredDifference,
  inputsToSave: both,
  gradFunc: (dy, saved) => {
    const [a, b] = pair(saved);
    const twoDiff = () => mul(dy as Tensor, mul(sub(f32(a), f32(b)), scalar(2)));
    return { a: () => reduceTo(twoDiff(), a.shape), b: () => reduceTo(neg(twoDiff()), b.shape) };
  },
};

/** d(aᵇ) = (dy·b·aᵇ⁻¹, dy·aᵇ·ln a), the second taken as 0 where a ≤ 0 (TensorFlow's convention). */
export const powGrad: GradConfig = {
  kernelName: Pow,
  inputsToSave: both,
  outputsToSave: [true],
  gradFunc: (dy, saved) => {
    const [a, b, y] = saved as [Tensor, Tensor, Tensor];
    return {
      a: () => reduceTo(mul(dy as Tensor, mul(f32(b), pow(f32(a), sub(f32(b), scalar(1))))), a.shape),
      b: () => {
        const lnA = where(greater(a, 0), log(f32(a)), zerosLike(f32(a)));
        return reduceTo(mul(dy as Tensor, mul(f32(y), lnA)), b.shape);
      },
    };
  },
};

/** max(a,b): dy goes to a where a ≥ b, else to b (ties to a, as TensorFlow). */
export const maximumGrad: GradConfig = {
  kernelName: Maximum,
  inputsToSave: both,
  gradFunc: (dy, saved) => {
    const [a, b] = pair(saved);
    return {
      a: () => reduceTo(mul(dy as Tensor, cast(greaterEqual(a, b), 'float32')), a.shape),
      b: () => reduceTo(mul(dy as Tensor, cast(less(a, b), 'float32')), b.shape),
    };
  },
};

/** min(a,b): dy goes to a where a ≤ b, else to b (ties to a). */
export const minimumGrad: GradConfig = {
  kernelName: Minimum,
  inputsToSave: both,
  gradFunc: (dy, saved) => {
    const [a, b] = pair(saved);
    return {
      a: () => reduceTo(mul(dy as Tensor, cast(lessEqual(a, b), 'float32')), a.shape),
      b: () => reduceTo(mul(dy as Tensor, cast(greater(a, b), 'float32')), b.shape),
    };
  },
};

/** atan2(a,b): (dy·b/(a²+b²), −dy·a/(a²+b²)). */
export const atan2Grad: GradConfig = {
  kernelName: Atan2,
  inputsToSave: both,
  gradFunc: (dy, saved) => {
    const [a, b] = pair(saved);
    const r2 = () => add(square(f32(a)), square(f32(b)));
    return {
      a: () => reduceTo(div(mul(dy as Tensor, f32(b)), r2()), a.shape),
      b: () => reduceTo(neg(div(mul(dy as Tensor, f32(a)), r2())), b.shape),
    };
  },
};

/** a mod b = a − b·⌊a/b⌋: (dy, −dy·⌊a/b⌋). */
export const modGrad: GradConfig = {
  kernelName: Mod,
  inputsToSave: both,
  gradFunc: (dy, saved) => {
    const [a, b] = pair(saved);
    return {
      a: () => reduceTo(dy as Tensor, a.shape),
      b: () => reduceTo(neg(mul(dy as Tensor, floor(div(f32(a), f32(b))))), b.shape),
    };
  },
};

export const arithmeticGradients: GradConfig[] = [
  addGrad,
  addNGrad,
  subGrad,
  multiplyGrad,
  realDivGrad,
  squaredDifferenceGrad,
  powGrad,
  maximumGrad,
  minimumGrad,
  atan2Grad,
  modGrad,
];
