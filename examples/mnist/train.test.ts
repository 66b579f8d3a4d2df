import { initBackend } from '@convkit/backend';
import { loadMnist, slice } from '@convkit/data';
import { mnistCnn } from '@convkit/models';
import { evaluate } from '@convkit/trainer';
import { memory } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel, trainMnist } from './src/train-mnist';

describe('MNIST example (smoke, cpu)', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu', strict: true });
  });

  it("the example's model is the zoo's mnist_cnn at width ×2 with a BatchNorm after each conv", () => {
    const model = buildModel(0);
    expect(model.options).toMatchObject({ widthMultiplier: 2, norm: 'batch' });
    // 16 and 32 channels: conv 1·25·16+16, BN 2·16, conv 16·25·32+32, BN 2·32, fc 7·7·32·10+10.
    expect(model.numParameters()).toBe(416 + 32 + 12_832 + 64 + 15_690);
    model.dispose();
  });

  it('the loss decreases over a few one-cycle AdamW steps of fit on 256 images, and nothing leaks', async () => {
    const data = slice(await loadMnist('train'), 0, 256);
    // The zoo's default width: trainMnist's fit, schedule and augmentation, at a quarter of the work.
    const model = mnistCnn({ rng: 0 });
    const before = memory().numTensors;
    const history = await trainMnist(model, data, { epochs: 5, batchSize: 32, maxSteps: 10, quiet: true });
    // The one-cycle schedule spans the 10 steps: up to lr 0.01 and down again.
    const lrs = history.steps.map((s) => s.lr[0]);
    expect(Math.max(...lrs)).toBeCloseTo(0.01, 6);
    expect(lrs[0]).toBeLessThan(0.001);
    expect(history.stopReason).toBe('max-steps');
    expect(history.steps.map((s) => s.step)).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
    expect(history.epochs).toHaveLength(1); // 8 batches per epoch: epoch 2 was cut at step 10
    const losses = history.steps.map((s) => s.loss);
    // ln 10 ≈ 2.30 is the loss of a uniform guess over 10 classes.
    expect(losses[0]).toBeGreaterThan(2.0);
    expect(losses[0]).toBeLessThan(2.6);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    // Seeded and deterministic on cpu: 2.29 → 2.16 here (last 3 vs first 3 steps, shifted images).
    expect(mean(losses.slice(-3))).toBeLessThan(mean(losses.slice(0, 3)) - 0.08);
    expect(memory().numTensors).toBe(before);

    const { scores } = await evaluate(model, slice(await loadMnist('test'), 0, 200), { batchSize: 100 });
    expect(scores.accuracy).toBeGreaterThan(0.2); // chance is 0.1
    expect(memory().numTensors).toBe(before);
    model.dispose();
  });
});
