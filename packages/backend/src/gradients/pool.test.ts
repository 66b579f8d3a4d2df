import { avgPool, maxPool, type Tensor4D, tensor } from '@tensorflow/tfjs-core';
import { describe, it } from 'vitest';
import { Rng } from '../random';
import { expectGradient } from '../test-helpers';
import { useBackend } from '../testing/backends';

describe('pooling gradients vs finite differences [cpu]', () => {
  useBackend('cpu');
  const rng = new Rng(8);
  // Distinct values 0.1 apart: the argmax of every window is stable under a ±ε step.
  const distinct = (shape: number[]) =>
    tensor(
      Array.from(rng.permutation(shape.reduce((a, b) => a * b)), (v) => v * 0.1),
      shape,
    );

  for (const [k, s, pad] of [
    [2, 2, 'valid'],
    [3, 2, 'same'],
    [3, 1, 'same'],
    [2, 1, 1],
  ] as const) {
    it(`maxPool and avgPool: filter ${k}, stride ${s}, pad ${pad}`, () => {
      expectGradient((x) => maxPool(x as Tensor4D, k, s, pad), [distinct([2, 5, 6, 2])]);
      expectGradient((x) => avgPool(x as Tensor4D, k, s, pad), [rng.normalTensor([2, 5, 6, 2])]);
    });
  }
});
