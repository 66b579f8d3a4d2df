import { useBackend } from '@convkit/backend/testing';
import { describe, expect, it } from 'vitest';
import { SGD } from '../optim/sgd';
import { toyDataset, toyModel, weightsOf } from '../test-helpers';
import { overfitSmallSample } from './overfit-small-sample';

const data = toyDataset(64, 0);

describe('overfitSmallSample [cpu]', () => {
  useBackend('cpu');

  it('a model that can learn reaches 100 % on 32 samples; the model is put back', async () => {
    const model = toyModel(0);
    const before = await weightsOf(model);
    const v = await overfitSmallSample(model, data);
    expect(v.ok).toBe(true);
    expect(v.accuracy).toBe(1);
    expect(v.steps).toBeLessThan(300);
    expect(v.losses).toHaveLength(v.steps);
    expect(v.message).toMatch(/reached 100\.0 % training accuracy on 32 samples in \d+ steps/);
    expect(await weightsOf(model)).toEqual(before);
    model.dispose();
  });

  it('a learning rate far too low cannot, and the verdict says so', async () => {
    const model = toyModel(0);
    const v = await overfitSmallSample(model, data, {
      maxSteps: 30,
      optimizer: (m) => new SGD(m, { lr: 1e-6 }),
    });
    expect(v.ok).toBe(false);
    expect(v.message).toMatch(
      /did not reach 100\.0 % training accuracy on 32 samples in 30 steps.*the learning rate may be too low/,
    );
    model.dispose();
  });

  it('a learning rate far too high blows up, and the verdict says so', async () => {
    const model = toyModel(0);
    const v = await overfitSmallSample(model, data, {
      maxSteps: 30,
      optimizer: (m) => new SGD(m, { lr: 1e4 }),
    });
    expect(v.ok).toBe(false);
    expect(v.message).toMatch(/the loss went up or became NaN: the learning rate is too high/);
    model.dispose();
  });
});
