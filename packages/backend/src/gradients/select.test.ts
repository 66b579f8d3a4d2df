import { clipByValue, greater, tensor, where } from '@tensorflow/tfjs-core';
import { describe, it } from 'vitest';
import { Rng } from '../random';
import { expectGradient } from '../test-helpers';
import { useBackend } from '../testing/backends';

describe('select and clip gradients vs finite differences [cpu]', () => {
  useBackend('cpu');
  const rng = new Rng(13);

  it('where(c, t, e): t and e (the condition is a constant mask here)', () => {
    const mask = greater(rng.normalTensor([2, 3]), 0);
    expectGradient((t, e) => where(mask, t, e), [rng.normalTensor([2, 3]), rng.normalTensor([2, 3])]);
    // Broadcast operands: tfjs's where() broadcasts before the kernel.
    expectGradient((t, e) => where(mask, t, e), [rng.normalTensor([3]), rng.normalTensor([2, 1])]);
  });

  it('clipByValue: pass-through inside [lo, hi], zero outside', () => {
    expectGradient((x) => clipByValue(x, -0.5, 1), [tensor([-2, -0.7, -0.2, 0.3, 0.9, 1.6])]);
  });
});
