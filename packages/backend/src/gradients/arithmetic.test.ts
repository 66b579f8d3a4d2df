import {
  add,
  addN,
  atan2,
  div,
  maximum,
  minimum,
  mod,
  mul,
  pow,
  squaredDifference,
  sub,
  tensor,
} from '@tensorflow/tfjs-core';
import { describe, it } from 'vitest';
import { Rng } from '../random';
import { expectGradient } from '../test-helpers';
import { useBackend } from '../testing/backends';

describe('arithmetic gradients vs finite differences [cpu]', () => {
  useBackend('cpu');
  const rng = new Rng(1);
  const pos = (shape: number[]) => rng.uniformTensor(shape, 0.5, 1.5);
  const any = (shape: number[]) => rng.normalTensor(shape);

  it('add / sub / mul / div with broadcasting', () => {
    expectGradient(add, [any([2, 3]), any([3])]);
    expectGradient(sub, [any([2, 1]), any([1, 3])]);
    expectGradient(mul, [any([2, 3]), any([2, 1])]);
    expectGradient(div, [any([3, 2]), pos([2])]);
  });

  it('addN', () => {
    expectGradient((a, b, c) => addN([a, b, c]), [any([2, 2]), any([2, 2]), any([2, 2])]);
  });

  it('addN of one tensor used twice accumulates', () => {
    const x = any([3]);
    expectGradient((a) => addN([a, mul(a, a)]), [x]);
  });

  it('squaredDifference and pow (both operands)', () => {
    expectGradient(squaredDifference, [any([2, 3]), any([3])]);
    expectGradient(pow, [pos([2, 3]), any([2, 3])]);
    expectGradient(pow, [pos([4]), tensor([2])]);
  });

  it('maximum / minimum (inputs apart by more than the step)', () => {
    const a = tensor([0.3, -1, 2, 0.7, -0.2, 1.5], [2, 3]);
    const b = tensor([0.9, -1.4, 1.1], [3]);
    expectGradient(maximum, [a, b]);
    expectGradient(minimum, [a, b]);
  });

  it('atan2 and mod', () => {
    expectGradient(atan2, [any([5]), any([5])]);
    // a/b fractional parts well inside (0, 1): no jump of ⌊a/b⌋ within ±ε.
    expectGradient(mod, [tensor([2.5, 3.7, 1.3]), tensor([1, 1.5, 0.4])]);
  });
});
