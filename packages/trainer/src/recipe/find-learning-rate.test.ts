import { useBackend } from '@convkit/backend/testing';
import { Flatten, Linear, Sequential } from '@convkit/core';
import { createDataset } from '@convkit/data';
import { describe, expect, it } from 'vitest';
import { SGD } from '../optim/sgd';
import { toyDataset, toyModel, weightsOf } from '../test-helpers';
import { findLearningRate } from './find-learning-rate';

const data = toyDataset(256, 0);

describe('findLearningRate [cpu]', () => {
  useBackend('cpu');

  it('sweeps the rate exponentially and finds where the loss falls fastest; the model is put back', async () => {
    const model = toyModel(0);
    const before = await weightsOf(model);
    const v = await findLearningRate(model, data, { steps: 60, batchSize: 16, minLr: 1e-5, maxLr: 10 }); // Adam
    expect(v.ok).toBe(true);
    const { lr, loss, smoothed } = v.curve;
    expect(loss).toHaveLength(lr.length);
    expect(smoothed).toHaveLength(lr.length);
    expect(lr[0]).toBeCloseTo(1e-5, 15);
    expect(lr[1] / lr[0]).toBeCloseTo((10 / 1e-5) ** (1 / 59), 9);
    expect(lr).toHaveLength(60);
    expect(v.suggestedLr).toBeGreaterThan(1e-4);
    expect(v.suggestedLr).toBeLessThan(10);
    expect(v.minimumLr).toBeGreaterThan(0);
    expect(v.message).toMatch(/the loss falls fastest at lr [\d.e-]+ .*Suggested learning rate/);
    expect(await weightsOf(model)).toEqual(before);
    model.dispose();
  });

  it('stops when the loss blows up (a linear model, noisy labels, SGD up to lr 1e4)', async () => {
    const noisy = createDataset({
      ...data,
      labels: data.labels.map((l, i) => (i % 8 === 0 ? (l + 1) % 4 : l)),
    });
    const model = new Sequential(new Flatten(), new Linear({ inFeatures: 36, outFeatures: 4, rng: 0 }));
    const v = await findLearningRate(model, noisy, {
      steps: 60,
      batchSize: 16,
      minLr: 1e-4,
      maxLr: 1e4,
      optimizer: (m) => new SGD(m, { lr: 1e-4, momentum: 0.9 }),
    });
    expect(v.diverged).toBe(true);
    expect(v.curve.lr.length).toBeLessThan(60);
    expect(v.ok).toBe(true);
    expect(v.message).toMatch(/Above [\d.e+-]+ the loss blew up/);
    model.dispose();
  });

  it('a range where the loss never goes down gives a negative verdict', async () => {
    const model = toyModel(0);
    const v = await findLearningRate(model, data, { steps: 20, batchSize: 16, minLr: 1e-9, maxLr: 1e-7 });
    expect(v.ok).toBe(false);
    expect(v.suggestedLr).toBeNull();
    expect(v.message).toMatch(/the loss never went down by 10 % while the learning rate grew from 1e-9/);
    model.dispose();
  });
});
