import {
  batchToSpaceND,
  concat,
  gather,
  grad,
  memory,
  mirrorPad,
  mul,
  pad,
  slice,
  spaceToBatchND,
  split,
  stack,
  stridedSlice,
  sum,
  type Tensor,
  tensor,
  tensor1d,
  unsortedSegmentSum,
  unstack,
} from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { Rng } from '../random';
import { expectGradient } from '../test-helpers';
import { describeEachBackend, useBackend } from '../testing/backends';

describe('slicing gradients vs finite differences [cpu]', () => {
  useBackend('cpu');
  const rng = new Rng(6);
  const x = (shape: number[]) => rng.normalTensor(shape);

  it('slice (with -1 sizes) and pad', () => {
    expectGradient((t) => slice(t, [1, 0, 1], [1, -1, 2]), [x([2, 3, 4])]);
    expectGradient(
      (t) =>
        pad(
          t,
          [
            [1, 2],
            [0, 1],
          ],
          0.5,
        ),
      [x([2, 3])],
    );
  });

  it('stridedSlice: strides > 1, negative strides, masks, shrink, new axis, ellipsis', () => {
    expectGradient((t) => stridedSlice(t, [1], [8], [3]), [x([9])]);
    expectGradient((t) => stridedSlice(t, [7], [0], [-2]), [x([9])]);
    expectGradient((t) => stridedSlice(t, [0, 1], [0, 5], [1, 2], 1), [x([3, 6])]);
    expectGradient((t) => stridedSlice(t, [-1, 0], [0, 0], [-1, 1], 0, 3), [x([4, 3])]);
    expectGradient((t) => stridedSlice(t, [1, 0, 0], [2, 4, 3], [1, 2, 2]), [x([3, 4, 3])]);
    // Shrink with unit strides only: tfjs 4.22's StridedSlice kernels (cpu, wasm) return wrong
    // elements when shrinkAxisMask is combined with strides > 1 on other axes.
    expectGradient((t) => stridedSlice(t, [1, 1, 0], [2, 3, 3], [1, 1, 1], 0, 0, 0, 0, 1), [x([3, 4, 3])]);
    expectGradient((t) => stridedSlice(t, [0, 1], [0, 3], [1, 1], 0, 0, 0, 1), [x([2, 4])]);
    expectGradient((t) => stridedSlice(t, [0, 2], [0, 0], [1, -1], 0, 0, 1, 0, 0), [x([2, 3, 4])]);
    expectGradient((t) => stridedSlice(t, [5], [9], [1]), [x([4])]);
    expectGradient((t) => stridedSlice(t, [0, 1, 0, 0], [2, 5, 4, 2], [1, 2, 3, 1]), [x([2, 5, 4, 2])]);
  });

  it('concat, split, stack, unstack', () => {
    expectGradient((a, b) => concat([a, b], 1), [x([2, 2]), x([2, 3])]);
    expectGradient((t) => mul(split(t, [1, 3], 1)[1] as Tensor, 2), [x([2, 4])]);
    expectGradient((a, b) => stack([a, b], 1), [x([2, 3]), x([2, 3])]);
    expectGradient((t) => unstack(t, 1)[2] as Tensor, [x([2, 3])]);
  });

  it('an unused split piece contributes zeros', () => {
    const t = x([2, 4]);
    const g = grad((a: Tensor) => sum(split(a, 2, 1)[0] as Tensor))(t);
    expect(Array.from(g.dataSync())).toEqual([1, 1, 0, 0, 1, 1, 0, 0]);
  });

  it('mirrorPad folds the mirrored borders back (reflect and symmetric)', () => {
    expectGradient(
      (t) =>
        mirrorPad(
          t,
          [
            [2, 1],
            [1, 2],
          ],
          'reflect',
        ),
      [x([3, 4])],
    );
    expectGradient(
      (t) =>
        mirrorPad(
          t,
          [
            [2, 3],
            [0, 1],
          ],
          'symmetric',
        ),
      [x([3, 4])],
    );
    expectGradient(
      (t) =>
        mirrorPad(
          t,
          [
            [0, 0],
            [1, 1],
            [1, 1],
            [0, 0],
          ],
          'reflect',
        ),
      [x([1, 3, 3, 2])],
    );
    // Exact fold counts: reflect pads of 1 copy x[1] and x[n−2].
    const g = grad((t: Tensor) => sum(mirrorPad(t, [[1, 1]], 'reflect')))(tensor([1, 2, 3, 4]));
    expect(Array.from(g.dataSync())).toEqual([1, 2, 2, 1]);
  });

  it('gather on axes 0 and 1, repeated indices, batchDims 1', () => {
    const idx = tensor([2, 0, 2], [3], 'int32');
    expectGradient((t) => gather(t, idx), [x([4, 2])]);
    expectGradient((t) => gather(t, idx, 1), [x([2, 3, 2])]);
    expectGradient(
      (t) =>
        gather(
          t,
          tensor(
            [
              [0, 1],
              [2, 2],
            ],
            [2, 2],
            'int32',
          ),
          1,
        ),
      [x([2, 3])],
    );
    expectGradient(
      (t) =>
        gather(
          t,
          tensor(
            [
              [1, 0],
              [2, 2],
            ],
            [2, 2],
            'int32',
          ),
          1,
          1,
        ),
      [x([2, 3, 2])],
    );
  });

  it('unsortedSegmentSum (negative ids are dropped)', () => {
    const ids = tensor1d([1, 0, 1, -1], 'int32');
    expectGradient((t) => unsortedSegmentSum(t, ids, 3), [x([4, 2])]);
  });

  it('spaceToBatchND and batchToSpaceND', () => {
    expectGradient(
      (t) =>
        spaceToBatchND(
          t,
          [2, 2],
          [
            [0, 0],
            [1, 1],
          ],
        ),
      [x([1, 4, 2, 1])],
    );
    expectGradient(
      (t) =>
        batchToSpaceND(
          t,
          [2, 2],
          [
            [0, 0],
            [0, 1],
          ],
        ),
      [x([4, 2, 2, 1])],
    );
  });
});

describeEachBackend('stridedSlice gradient, rank 4', () => {
  it('strides [1,2,2,1] and [1,-2,3,1]: ones exactly at the sliced positions, no leak', async () => {
    const shape = [2, 5, 7, 2];
    const size = shape.reduce((a, b) => a * b);
    const x = tensor(
      Array.from({ length: size }, (_, i) => i),
      shape,
    );
    const before = memory().numTensors;
    for (const [begin, end, strides] of [
      [
        [0, 1, 0, 0],
        [2, 5, 7, 2],
        [1, 2, 2, 1],
      ],
      [
        [1, 4, 1, 0],
        [2, 0, 7, 2],
        [1, -2, 3, 1],
      ],
    ] as const) {
      const g = grad((t: Tensor) => sum(stridedSlice(t, [...begin], [...end], [...strides])))(x);
      const want = Array.from({ length: size }, (_, i) => {
        const idx = [0, 0, 0, 0];
        let r = i;
        for (let a = 3; a >= 0; a--) {
          idx[a] = r % (shape[a] as number);
          r = Math.floor(r / (shape[a] as number));
        }
        const hit = idx.every((v, a) => {
          const [b, e, s] = [begin[a], end[a], strides[a]] as [number, number, number];
          const inRange = s > 0 ? v >= b && v < e : v <= b && v > e;
          return inRange && (v - b) % s === 0;
        });
        return hit ? 1 : 0;
      });
      expect(Array.from(await g.data())).toEqual(want);
      g.dispose();
    }
    expect(memory().numTensors).toBe(before);
    x.dispose();
  });
});
