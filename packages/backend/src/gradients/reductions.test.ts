import { cumsum, max, mean, min, sum, tensor } from '@tensorflow/tfjs-core';
import { describe, it } from 'vitest';
import { Rng } from '../random';
import { expectGradient } from '../test-helpers';
import { useBackend } from '../testing/backends';

describe('reduction gradients vs finite differences [cpu]', () => {
  useBackend('cpu');
  const rng = new Rng(4);
  // Distinct values 0.1 apart: no ties within a finite-difference step.
  const distinct = () =>
    tensor(
      Array.from(rng.permutation(24), (v) => v * 0.1),
      [2, 3, 4],
    );

  it('sum and mean over several axes, with and without keepDims', () => {
    expectGradient((x) => sum(x, [0, 2]), [rng.normalTensor([2, 3, 4])]);
    expectGradient((x) => sum(x, -1, true), [rng.normalTensor([2, 3, 4])]);
    expectGradient((x) => sum(x), [rng.normalTensor([2, 3])]);
    expectGradient((x) => mean(x, [1, 2], true), [rng.normalTensor([2, 3, 4])]);
    expectGradient((x) => mean(x, 0), [rng.normalTensor([2, 3, 4])]);
  });

  it('max and min', () => {
    expectGradient((x) => max(x, 1), [distinct()]);
    expectGradient((x) => min(x, [0, 2], true), [distinct()]);
    expectGradient((x) => max(x), [distinct()]);
  });

  it('cumsum forward/reverse, inclusive/exclusive, inner and outer axis', () => {
    for (const exclusive of [false, true])
      for (const reverse of [false, true]) {
        expectGradient((x) => cumsum(x, 1, exclusive, reverse), [rng.normalTensor([2, 4])]);
        expectGradient((x) => cumsum(x, 0, exclusive, reverse), [rng.normalTensor([3, 2])]);
      }
  });
});
