import { initBackend } from '@convkit/backend';
import { loadFashionMnist, slice } from '@convkit/data';
import { memory } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { budgetLr, trainFashionMnist } from './src/train-lib';

// The example's run on a hundred images (seconds on wasm); the full run is the README's command.
describe('Fashion-MNIST example (smoke, wasm)', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', strict: true });
  });

  it('trains a narrow ResNet-20 for 2 short epochs with the one-cycle schedule, evaluates, leaks nothing', async () => {
    const train = slice(await loadFashionMnist('train'), 0, 64);
    const test = slice(await loadFashionMnist('test'), 0, 64);
    const before = memory().numTensors;
    const lrs: number[] = [];
    const stepLrs: number[] = [];
    const result = await trainFashionMnist(
      train,
      test,
      { widthMultiplier: 0.25, epochs: 2, batchSize: 32, lr: 0.05, labelSmoothing: 0 },
      {
        quiet: true,
        onEpoch: (r) => lrs.push(r.lr[0] ?? Number.NaN),
        onBatch: (b) => stepLrs.push(b.lr[0] ?? Number.NaN),
      },
    );
    expect(result.steps).toBe(4);
    expect(result.epochsRun).toBe(2);
    expect(result.stopReason).toBe('completed');
    expect(result.epochs.map((r) => r.epoch)).toEqual([1, 2]);
    // ln 10 ≈ 2.30 is the loss of a uniform guess over 10 classes.
    const firstLoss = result.epochs[0]?.train.loss ?? Number.NaN;
    expect(firstLoss).toBeGreaterThan(1.5);
    expect(firstLoss).toBeLessThan(3.2);
    expect(lrs).toHaveLength(2);
    // One-cycle over 4 steps: from 0.05/25 up to the peak 0.05, then down to 0.05/25/1e4.
    expect(stepLrs).toHaveLength(4);
    expect(stepLrs[0]).toBeCloseTo(0.002, 9);
    expect(Math.max(...stepLrs)).toBeCloseTo(0.05, 9);
    expect(stepLrs[3]).toBeCloseTo(2e-7, 9);
    expect(result.testImages).toBe(64);
    expect(result.correct).toBe(Math.round(result.accuracy * 64));
    expect(result.accuracy).toBeGreaterThanOrEqual(0);
    expect(result.accuracy).toBeLessThanOrEqual(1);
    expect(result.parameters).toBeGreaterThan(1000);
    result.model.dispose();
    expect(memory().numTensors).toBe(before);
  }, 300_000); // ~10 s of CPU, most of it parsing the data set's 150 MB of JSON; minutes on a loaded machine

  it('a time budget stops the run mid-epoch, annealed, and leaks nothing', async () => {
    const train = slice(await loadFashionMnist('train'), 0, 128);
    const test = slice(await loadFashionMnist('test'), 0, 16);
    const before = memory().numTensors;
    // 1 ms: spent after the first batch.
    const result = await trainFashionMnist(
      train,
      test,
      { widthMultiplier: 0.25, epochs: 3, batchSize: 32, minutes: 1 / 60_000 },
      { quiet: true },
    );
    expect(result.stopReason).toBe('stopped');
    expect(result.steps).toBe(1);
    expect(result.epochsRun).toBe(0.25);
    expect(result.testImages).toBe(16);
    result.model.dispose();
    expect(memory().numTensors).toBe(before);
  }, 120_000);

  it('budgetLr warms up linearly over 5 % of the budget, then decays linearly to 0', () => {
    expect(budgetLr(0.1, 0)).toBeCloseTo(0.004, 12);
    expect(budgetLr(0.1, 0.025)).toBeCloseTo(0.052, 12);
    expect(budgetLr(0.1, 0.05)).toBeCloseTo(0.1, 12);
    expect(budgetLr(0.1, 0.525)).toBeCloseTo(0.05, 12);
    expect(budgetLr(0.1, 1)).toBe(0);
    expect(budgetLr(0.1, 1.5)).toBe(0);
  });
});
