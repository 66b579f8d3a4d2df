import {
  customGrad,
  type GradSaveFunc,
  memory,
  mul,
  square,
  type Tensor,
  tensor,
} from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { useBackend } from '../testing/backends';
import { gradCheck } from './gradcheck';

describe('gradCheck [cpu]', () => {
  useBackend('cpu');

  it('accepts a correct gradient', () => {
    const r = gradCheck((a: Tensor) => square(a), [tensor([1, -2, 3])]);
    expect(r.maxError).toBeLessThan(1e-3);
  });

  it('rejects a wrong gradient and says where', () => {
    // d(x²)/dx = 2x, deliberately given as x.
    const wrongSquare = customGrad((...args: (Tensor | GradSaveFunc)[]) => {
      const [x, save] = args as [Tensor, GradSaveFunc];
      save([x]);
      return { value: square(x), gradFunc: (dy: Tensor, [s]: Tensor[]) => mul(dy, s as Tensor) };
    });
    const x = tensor([1, -2, 3]);
    const before = memory().numTensors;
    const r = gradCheck((a: Tensor) => wrongSquare(a) as Tensor, [x]);
    expect(r.maxError).toBeGreaterThan(0.2);
    expect(r.worst).toMatch(/^input 0 \[\d\]: numeric .* analytic/);
    expect(memory().numTensors).toBe(before);
  });
});
