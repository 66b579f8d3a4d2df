import { useBackend } from '@convkit/backend/testing';
import { memory, mul, type Tensor4D, type Variable } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { toyDataset, toyModel, weightsOf } from '../test-helpers';
import { checkInitialLoss } from './check-initial-loss';

const data = toyDataset(64, 0);

describe('checkInitialLoss [cpu]', () => {
  useBackend('cpu');

  it('a fresh model: about ln 4, ok; the model is left as it was', async () => {
    const model = toyModel(0);
    const before = await weightsOf(model);
    const count = memory().numTensors;
    const v = await checkInitialLoss(model, data);
    expect(v.ok).toBe(true);
    expect(v.expected).toBeCloseTo(Math.log(4), 12);
    expect(Math.abs(v.ratio - 1)).toBeLessThan(0.2);
    expect(v.message).toMatch(
      /checkInitialLoss: the loss before training is 1\.\d+, close to ln\(4\) = 1\.39/,
    );
    expect(await weightsOf(model)).toEqual(before); // BatchNorm's statistics included
    expect(memory().numTensors).toBe(count);
    model.dispose();
  });

  it('a classifier initialized 50× too large: far above ln C, and the message says why', async () => {
    const model = toyModel(0);
    const fc = model.namedParameters().find(([n]) => n === '5.weight')?.[1] as Variable;
    fc.assign(mul(fc, 50));
    const v = await checkInitialLoss(model, data);
    expect(v.ok).toBe(false);
    expect(v.ratio).toBeGreaterThan(3);
    expect(v.message).toMatch(/× ln\(4\) = 1\.39 .*confident and wrong.*logits spread too widely \(std \d+/);
    model.dispose();
  });

  it('inputs with NaN: not finite, named; unscaled inputs are pointed out', async () => {
    const model = toyModel(0);
    const nan = await checkInitialLoss(model, data, { preprocess: (x) => mul(x, Number.NaN) as Tensor4D });
    expect(nan.ok).toBe(false);
    expect(nan.message).toMatch(/is NaN on 64 samples: something is broken before the first step/);
    const raw = await checkInitialLoss(model, data, { preprocess: (x) => mul(x, 255) as Tensor4D });
    expect(raw.input.std).toBeGreaterThan(5);
    expect(raw.message).toMatch(/inputs are not standardized \(mean \d+/);
    model.dispose();
  });
});
