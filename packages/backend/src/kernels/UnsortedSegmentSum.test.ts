import { engine, memory, tensor, tensor1d, unsortedSegmentSum } from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeEachBackend } from '../testing/backends';

// 1-D segment ids: what gather's gradient uses. (tfjs's cpu/webgpu kernels disagree with TensorFlow on
// multi-dimensional ids and on int32 data, and ids ≥ numSegments are undefined in TensorFlow.)
describeEachBackend('UnsortedSegmentSum', () => {
  it('sums rows by segment id and drops negative ids, no leak', async () => {
    const before = memory().numTensors;
    const dataIds = engine().backend.numDataIds();
    const ids = tensor1d([2, 0, 2, -1, 0], 'int32');
    const x = tensor([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [5, 2]);
    const out = unsortedSegmentSum(x, ids, 4);
    expect(out.shape).toEqual([4, 2]);
    // segment 0: rows 1 and 4; segment 2: rows 0 and 2; row 3 (id −1) dropped.
    expect(Array.from(await out.data())).toEqual([3 + 9, 4 + 10, 0, 0, 1 + 5, 2 + 6, 0, 0]);
    for (const t of [ids, x, out]) t.dispose();
    expect(memory().numTensors).toBe(before);
    expect(engine().backend.numDataIds()).toBe(dataIds);
  });

  it('3-D rows', async () => {
    const ids = tensor1d([1, 0, 1], 'int32');
    const x = tensor(
      Array.from({ length: 12 }, (_, i) => i),
      [3, 2, 2],
    );
    const out = unsortedSegmentSum(x, ids, 2);
    expect(out.shape).toEqual([2, 2, 2]);
    expect(Array.from(await out.data())).toEqual([4, 5, 6, 7, 0 + 8, 1 + 9, 2 + 10, 3 + 11]);
  });
});
