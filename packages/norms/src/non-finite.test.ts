import { Rng } from '@convkit/backend';
import { describeEachBackend } from '@convkit/backend/testing';
import { dispose, memory, tensor } from '@tensorflow/tfjs-core';
import { afterEach, expect, it, vi } from 'vitest';
import { BatchNorm2d } from './batch-norm';
import { InstanceNorm2d } from './instance-norm';
import { SKIP_READ_EVERY } from './running-norm';

/** [2, 2, 2, 3] values with one NaN in channel 1 (at sample 0, row 1, column 0). */
function batchWithNaN(seed: number) {
  const values = new Rng(seed).normalTensor([2, 2, 2, 3]);
  const data = values.dataSync().slice();
  values.dispose();
  data[2 * 3 + 1] = Number.NaN;
  return tensor(data, [2, 2, 2, 3]);
}

describeEachBackend('running statistics and non-finite batches', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  for (const fused of [true, false]) {
    it(`a NaN in one channel leaves that channel's running statistics as they were, warning once (fused ${fused})`, async () => {
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
      const before = memory().numTensors;
      const bn = new BatchNorm2d({ numFeatures: 3, fused });
      const clean = new Rng(1).normalTensor([2, 2, 2, 3]);
      bn.call(clean).dispose();
      const mean1 = Array.from((await bn.runningMean?.data()) ?? []);
      const var1 = Array.from((await bn.runningVar?.data()) ?? []);
      // Enough steps for webgpu, which reads the count asynchronously every SKIP_READ_EVERY steps.
      for (let step = 0; step < SKIP_READ_EVERY; step++) {
        const x = batchWithNaN(step + 2);
        bn.call(x).dispose();
        x.dispose();
      }
      const mean = Array.from((await bn.runningMean?.data()) ?? []);
      const variance = Array.from((await bn.runningVar?.data()) ?? []);
      expect(mean.every(Number.isFinite) && variance.every(Number.isFinite)).toBe(true);
      expect(mean[1]).toBe(mean1[1]);
      expect(variance[1]).toBe(var1[1]);
      expect(mean[0]).not.toBe(mean1[0]); // the other channels still learn from the batch
      expect(variance[2]).not.toBe(var1[2]);
      expect(Array.from((await bn.numBatchesTracked?.data()) ?? [])).toEqual([1 + SKIP_READ_EVERY]);
      await vi.waitFor(() => expect(warn).toHaveBeenCalledTimes(1));
      expect(String(warn.mock.calls[0]?.[0])).toMatch(
        /^convkit: BatchNorm2d\(3\): a training batch had non-finite statistics .* Said once per layer\.$/,
      );
      // Evaluation with the running statistics stays finite on clean data.
      bn.eval();
      const y = bn.call(clean);
      expect(Array.from(await y.data()).every(Number.isFinite)).toBe(true);
      dispose([y, clean]);
      bn.dispose();
      expect(memory().numTensors).toBe(before);
    });
  }

  it('a tracked InstanceNorm2d skips the same way', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const norm = new InstanceNorm2d({ numFeatures: 3, trackRunningStats: true });
    const x = batchWithNaN(5);
    for (let step = 0; step < 1 + SKIP_READ_EVERY; step++) norm.call(x).dispose();
    expect(Array.from((await norm.runningMean?.data()) ?? [])[1]).toBe(0);
    expect(Array.from((await norm.runningVar?.data()) ?? [])[1]).toBe(1);
    await vi.waitFor(() => expect(warn).toHaveBeenCalledTimes(1));
    x.dispose();
    norm.dispose();
  });
});
