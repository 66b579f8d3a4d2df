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

const unary = [Ceil, Floor, Round, Sign, Step, IsFinite, IsInf, IsNan, LogicalNot, OnesLike, ZerosLike];
const binary = [
  Equal,
  NotEqual,
  Greater,
  GreaterEqual,
  Less,
  LessEqual,
  LogicalAnd,
  LogicalOr,
  LogicalXor,
  FloorDiv,
];
const reductions = [ArgMax, ArgMin, All, Any];

export const zeroGradients: GradConfig[] = [
  ...unary.map(zeroLikeDy),
  ...binary.map((k) => zeroFor(k, ['a', 'b'])),
  ...reductions.map((k) => zeroFor(k, ['x'])),
  // oneHot: output [...indices.shape, depth].
  { kernelName: OneHot, gradFunc: (dy) => ({ indices: zeroGrad((dy as Tensor).shape.slice(0, -1)) }) },
];
