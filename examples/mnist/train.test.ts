import { initBackend } from '@convkit/backend';
import { loadMnist, slice } from '@convkit/data';
import { mnistCnn } from '@convkit/models';
import { memory } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluate, type TrainProgress, train } from './src/train-lib';

describe('MNIST example (smoke, cpu)', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu', strict: true });
  });

  it('the loss decreases over a few Adam steps on 256 images, and nothing leaks', async () => {
    const data = slice(await loadMnist('train'), 0, 256);
    const model = mnistCnn({ rng: 0 });
    const before = memory().numTensors;
    const progress: TrainProgress[] = [];
    const result = await train(model, data, {
      epochs: 5,
      batchSize: 32,
      maxSteps: 10,
      syncEvery: 1,
      onProgress: (p) => progress.push(p),
    });
    expect(result.steps).toBe(10);
    expect(result.losses.map((l) => l.step)).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
    const losses = result.losses.map((l) => l.loss);
    // ln 10 ≈ 2.30 is the loss of a uniform guess over 10 classes.
    expect(losses[0]).toBeGreaterThan(2.0);
    expect(losses[0]).toBeLessThan(2.6);
    // Seeded and deterministic on cpu: 2.31 → 2.08 here (last 3 vs first 3 steps).
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(losses.slice(-3))).toBeLessThan(mean(losses.slice(0, 3)) - 0.15);
    expect(progress.at(-1)).toMatchObject({ epoch: 2, step: 2, stepsPerEpoch: 8 });
    expect(memory().numTensors).toBe(before);

    const accuracy = await evaluate(model, slice(await loadMnist('test'), 0, 200), 100);
    expect(accuracy).toBeGreaterThan(0.2); // chance is 0.1; 0.275 here
    expect(memory().numTensors).toBe(before);
    model.dispose();
  });
});
