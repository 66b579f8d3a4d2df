import {
  argMax,
  cast,
  ceil,
  equal,
  floor,
  grad,
  greater,
  memory,
  mul,
  oneHot,
  round,
  sign,
  step,
  sum,
  type Tensor,
  tensor,
  where,
  zerosLike,
} from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { useBackend } from '../testing/backends';

describe('zero gradients of piecewise-constant kernels [cpu]', () => {
  useBackend('cpu');
  const x = () => tensor([-1.5, 0.4, 2.2]);
  const values = (f: (t: Tensor) => Tensor) => {
    const before = memory().numTensors;
    const g = grad((t: Tensor) => sum(f(t)))(x());
    const out = Array.from(g.dataSync());
    expect(g.dtype).toBe('float32');
    g.dispose();
    expect(memory().numTensors).toBe(before + 1);
    return out;
  };

  it('floor, ceil, round, sign, step: zero', () => {
    for (const f of [floor, ceil, round, sign, step]) expect(values(f)).toEqual([0, 0, 0]);
  });

  it('a mask from a comparison passes the gradient through where() only', () => {
    expect(values((t) => where(greater(t, 0), t, zerosLike(t)))).toEqual([0, 1, 1]);
    expect(values((t) => mul(t, cast(equal(t, t), 'float32')))).toEqual([1, 1, 1]);
  });

  it('argMax → oneHot → mask: the argmax path contributes zero', () => {
    const f = (t: Tensor) => mul(t, cast(oneHot(argMax(t), 3), 'float32'));
    expect(values(f)).toEqual([0, 0, 1]);
  });
});
