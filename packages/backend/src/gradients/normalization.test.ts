import {
  batchNorm,
  localResponseNormalization,
  moments,
  type Tensor,
  type Tensor4D,
} from '@tensorflow/tfjs-core';
import { describe, it } from 'vitest';
import { Rng } from '../random';
import { expectGradient } from '../test-helpers';
import { useBackend } from '../testing/backends';

describe('normalization gradients vs finite differences [cpu]', () => {
  useBackend('cpu');
  const rng = new Rng(10);
  const x = (shape: number[]) => rng.normalTensor(shape);

  it('batchNorm with given statistics: x, mean, variance, offset, scale', () => {
    const v = rng.uniformTensor([3], 0.5, 1.5);
    expectGradient(
      (t, m, s, o, g) => batchNorm(t, m, s, o, g, 1e-3),
      [x([2, 2, 2, 3]), x([3]), v, x([3]), x([3])],
    );
  });

  it('batchNorm on a 2-D input', () => {
    const v = rng.uniformTensor([4], 0.5, 1.5);
    expectGradient((t, m, s, o, g) => batchNorm(t, m, s, o, g), [x([3, 4]), x([4]), v, x([4]), x([4])]);
  });

  it('batchNorm with batch statistics from moments (gradient through the statistics)', () => {
    expectGradient(
      (t, g, o) => {
        const { mean, variance } = moments(t, [0, 1, 2]);
        return batchNorm(t, mean as Tensor, variance as Tensor, o, g, 1e-3);
      },
      [x([2, 3, 2, 3]), x([3]), x([3])],
    );
  });

  it('localResponseNormalization', () => {
    expectGradient((t) => localResponseNormalization(t as Tensor4D, 2, 1, 0.5, 0.75), [x([1, 2, 2, 6])]);
  });
});
