import { matMul } from '@tensorflow/tfjs-core';
import { describe, it } from 'vitest';
import { Rng } from '../random';
import { expectGradient } from '../test-helpers';
import { useBackend } from '../testing/backends';

describe('matMul gradients vs finite differences [cpu]', () => {
  useBackend('cpu');
  const rng = new Rng(9);
  const x = (shape: number[]) => rng.normalTensor(shape);

  it('all four transpose combinations', () => {
    expectGradient((a, b) => matMul(a, b), [x([2, 3]), x([3, 4])]);
    expectGradient((a, b) => matMul(a, b, true), [x([3, 2]), x([3, 4])]);
    expectGradient((a, b) => matMul(a, b, false, true), [x([2, 3]), x([4, 3])]);
    expectGradient((a, b) => matMul(a, b, true, true), [x([3, 2]), x([4, 3])]);
  });

  it('batched, with a broadcast batch axis on either side', () => {
    expectGradient((a, b) => matMul(a, b), [x([2, 2, 3]), x([2, 3, 2])]);
    expectGradient((a, b) => matMul(a, b), [x([3, 2, 3]), x([1, 3, 2])]);
    expectGradient((a, b) => matMul(a, b, true, false), [x([1, 3, 2]), x([2, 3, 2])]);
  });
});
