import {
  All,
  Any,
  ArgMax,
  ArgMin,
  Ceil,
  Equal,
  Floor,
  FloorDiv,
  type GradConfig,
  Greater,
  GreaterEqual,
  IsFinite,
  IsInf,
  IsNan,
  Less,
  LessEqual,
  LogicalAnd,
  LogicalNot,
  LogicalOr,
  LogicalXor,
  NotEqual,
  OneHot,
  OnesLike,
  Round,
  Sign,
  Step,
  type Tensor,
  ZerosLike,
} from '@tensorflow/tfjs-core';
import { zeroGrad } from './util';

/**
 * Kernels whose output is piecewise constant (or boolean / integer) in their inputs: the gradient is
 * zero. They still need a registered gradient, because the tape visits every kernel between the
 * variables and the loss — e.g. `where(greater(x, 0), ...)` passes through Greater.
 */
const zeroFor = (kernelName: string, inputs: string[]): GradConfig => ({
  kernelName,
  inputsToSave: inputs,
  gradFunc: (_, saved) =>
    Object.fromEntries(inputs.map((name, i) => [name, zeroGrad((saved[i] as Tensor).shape)])),
});

/** Same for elementwise unary kernels, whose input has dy's shape: nothing is saved. */
const zeroLikeDy = (kernelName: string): GradConfig => ({
  kernelName,
  gradFunc: (dy) => ({ x: zeroGrad((dy as Tensor).shape) }),
});

export const ceilGrad = zeroLikeDy(Ceil);
export const floorGrad = zeroLikeDy(Floor);
export const roundGrad = zeroLikeDy(Round);
export const signGrad = zeroLikeDy(Sign);
export const stepGrad = zeroLikeDy(Step);
export const isFiniteGrad = zeroLikeDy(IsFinite);
export const isInfGrad = zeroLikeDy(IsInf);
export const isNanGrad = zeroLikeDy(IsNan);
export const logicalNotGrad = zeroLikeDy(LogicalNot);
export const onesLikeGrad = zeroLikeDy(OnesLike);
export const zerosLikeGrad = zeroLikeDy(ZerosLike);

const binary = ['a', 'b'];
export const equalGrad = zeroFor(Equal, binary);
export const notEqualGrad = zeroFor(NotEqual, binary);
export const greaterGrad = zeroFor(Greater, binary);
export const greaterEqualGrad = zeroFor(GreaterEqual, binary);
export const lessGrad = zeroFor(Less, binary);
export const lessEqualGrad = zeroFor(LessEqual, binary);
export const logicalAndGrad = zeroFor(LogicalAnd, binary);
export const logicalOrGrad = zeroFor(LogicalOr, binary);
export const logicalXorGrad = zeroFor(LogicalXor, binary);
export const floorDivGrad = zeroFor(FloorDiv, binary);

export const argMaxGrad = zeroFor(ArgMax, ['x']);
export const argMinGrad = zeroFor(ArgMin, ['x']);
export const allGrad = zeroFor(All, ['x']);
export const anyGrad = zeroFor(Any, ['x']);

/** oneHot: output [...indices.shape, depth]. */
export const oneHotGrad: GradConfig = {
  kernelName: OneHot,
  gradFunc: (dy) => ({ indices: zeroGrad((dy as Tensor).shape.slice(0, -1)) }),
};

export const zeroGradients: GradConfig[] = [
  ceilGrad,
  floorGrad,
  roundGrad,
  signGrad,
  stepGrad,
  isFiniteGrad,
  isInfGrad,
  isNanGrad,
  logicalNotGrad,
  onesLikeGrad,
  zerosLikeGrad,
  equalGrad,
  notEqualGrad,
  greaterGrad,
  greaterEqualGrad,
  lessGrad,
  lessEqualGrad,
  logicalAndGrad,
  logicalOrGrad,
  logicalXorGrad,
  floorDivGrad,
  argMaxGrad,
  argMinGrad,
  allGrad,
  anyGrad,
  oneHotGrad,
];
