import {
  abs,
  cos,
  erf,
  exp,
  expm1,
  log,
  log1p,
  neg,
  reciprocal,
  rsqrt,
  sigmoid,
  sin,
  sqrt,
  square,
  type Tensor,
  tanh,
  tensor,
} from '@tensorflow/tfjs-core';
import { describe, it } from 'vitest';
import { Rng } from '../random';
import { expectGradient } from '../test-helpers';
import { useBackend } from '../testing/backends';

describe('unary gradients vs finite differences [cpu]', () => {
  useBackend('cpu');
  const rng = new Rng(2);
  const anyX = () => rng.normalTensor([2, 3]);
  const posX = () => rng.uniformTensor([2, 3], 0.5, 2);
  const unary: [string, (x: Tensor) => Tensor, () => Tensor][] = [
    ['neg', neg, anyX],
    ['square', square, anyX],
    ['abs', abs, () => tensor([-1.5, -0.3, 0.2, 0.8, 2, -2.2])],
    ['log', log, posX],
    ['log1p', log1p, posX],
    ['erf', erf, anyX],
    ['sin', sin, anyX],
    ['cos', cos, anyX],
    ['exp', exp, anyX],
    ['expm1', expm1, anyX],
    ['sqrt', sqrt, posX],
    ['rsqrt', rsqrt, posX],
    ['reciprocal', reciprocal, posX],
    ['sigmoid', sigmoid, anyX],
    ['tanh', tanh, anyX],
  ];
  for (const [name, f, input] of unary) {
    it(name, () => expectGradient(f, [input()]));
  }
});
