import {
  broadcastTo,
  cast,
  clone,
  expandDims,
  grad,
  memory,
  mul,
  profile,
  reshape,
  reverse,
  squeeze,
  sum,
  type Tensor,
  tensor,
  tile,
  transpose,
} from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { Rng } from '../random';
import { expectGradient } from '../test-helpers';
import { useBackend } from '../testing/backends';

describe('shape gradients vs finite differences [cpu]', () => {
  useBackend('cpu');
  const rng = new Rng(5);
  const x = (shape: number[]) => rng.normalTensor(shape);

  it('reshape, expandDims, squeeze, transpose, reverse, clone, cast', () => {
    expectGradient((t) => reshape(t, [3, 2]), [x([2, 3])]);
    expectGradient((t) => expandDims(t, 1), [x([2, 3])]);
    expectGradient((t) => squeeze(t), [x([2, 1, 3])]);
    expectGradient((t) => transpose(t, [2, 0, 1]), [x([2, 3, 4])]);
    expectGradient((t) => reverse(t, [0, 2]), [x([2, 3, 2])]);
    expectGradient((t) => clone(t), [x([4])]);
    expectGradient((t) => cast(t, 'float32'), [x([4])]);
  });

  it('cast of an int32 input gives a float32 zero-free gradient path', () => {
    const i = tensor([1, 2, 3], [3], 'int32');
    const g = grad((t: Tensor) => sum(mul(cast(t, 'float32'), tensor([1, 2, 3]))))(i);
    expect(g.dtype).toBe('float32');
    expect(Array.from(g.dataSync())).toEqual([1, 2, 3]);
  });

  it('broadcastTo', () => {
    expectGradient((t) => broadcastTo(t, [2, 3, 4]), [x([3, 1])]);
    expectGradient((t) => broadcastTo(t, [3, 2]), [x([1, 2])]);
  });

  it('tile: 1-D to 4-D, the single-sum path and the per-axis path (all four axes tiled)', () => {
    expectGradient((t) => tile(t, [3]), [x([2])]);
    expectGradient((t) => tile(t, [2, 3]), [x([2, 2])]);
    expectGradient((t) => tile(t, [1, 2, 1]), [x([2, 2, 3])]);
    expectGradient((t) => tile(t, [1, 2, 3, 1]), [x([2, 2, 2, 2])]);
    expectGradient((t) => tile(t, [2, 2, 2, 3]), [x([1, 2, 2, 1])]);
  });

  it('tile gradient runs one reduction, not one slice+add per copy', async () => {
    const t = x([4, 4]);
    const before = memory().numTensors;
    let out: Tensor | undefined;
    const info = await profile(() => {
      out = grad((a: Tensor) => sum(tile(a, [8, 8])))(t);
      return out;
    });
    expect(info.kernelNames).not.toContain('Slice');
    expect(info.kernelNames.filter((k) => k === 'Sum').length).toBeLessThanOrEqual(2);
    expect(Array.from((out as Tensor).dataSync())).toEqual(new Array(16).fill(64));
    (out as Tensor).dispose();
    expect(memory().numTensors).toBe(before);
  });
});
