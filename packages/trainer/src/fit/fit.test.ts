import { compose, randomHorizontalFlip, step } from '@convkit/augment';
import { useBackend } from '@convkit/backend/testing';
import { clone, memory, mul, type Tensor4D } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { Adam } from '../optim/adam';
import { SGD } from '../optim/sgd';
import { LinearLR } from '../schedule/linear-lr';
import { ReduceLROnPlateau } from '../schedule/reduce-lr-on-plateau';
import { StepLR } from '../schedule/step-lr';
import { toyDataset, toyModel, weightsOf } from '../test-helpers';
import type { Callback } from './callbacks';
import { EarlyStopping } from './early-stopping';
import { fit } from './fit';
import { NonFiniteStepError } from './non-finite';

const train = toyDataset(64, 0);
const val = toyDataset(32, 1);

describe('fit [cpu]', () => {
  useBackend('cpu');

  it('learns a toy task; the history is plain JSON with per-epoch and per-step records', async () => {
    const model = toyModel(0);
    const optimizer = new Adam(model, { lr: 0.01 });
    const history = await fit(model, train, {
      epochs: 4,
      batchSize: 16,
      optimizer,
      validation: val,
      metrics: ['accuracy', 'top2'],
      quiet: true,
    });
    expect(history.epochs.map((e) => e.epoch)).toEqual([1, 2, 3, 4]);
    expect(history.epochs.map((e) => e.step)).toEqual([4, 8, 12, 16]);
    expect(history.steps.map((s) => s.step)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
    const first = history.epochs[0];
    const last = history.epochs[3];
    expect(last.train.loss).toBeLessThan(first.train.loss);
    expect(last.val?.accuracy).toBeGreaterThan(0.9);
    expect(last.val?.top2).toBeGreaterThanOrEqual(last.val?.accuracy as number);
    expect(last.lr).toEqual([0.01]);
    expect(history.meta).toMatchObject({
      model: 'Sequential',
      optimizer: 'Adam',
      batchSize: 16,
      stepsPerEpoch: 4,
      epochs: 4,
      monitor: 'val.loss',
      backend: 'cpu',
    });
    expect(history.stopReason).toBe('completed');
    expect(history.best?.monitor).toBe('val.loss');
    expect(history.lastValidation?.confusionMatrix.flat().reduce((a, b) => a + b)).toBe(32);
    expect(JSON.parse(JSON.stringify(history))).toEqual(history);
    optimizer.dispose();
    model.dispose();
  });

  it('leaks no tensor: the count is the same after every epoch, and fit(…) with its own optimizer returns to the start', async () => {
    const model = toyModel(1);
    const before = memory().numTensors;
    const counts: number[] = [];
    const counter: Callback = { onEpochEnd: () => void counts.push(memory().numTensors) };
    await fit(model, train, {
      epochs: 4,
      batchSize: 16,
      validation: val,
      augment: compose([step(randomHorizontalFlip)]),
      clipGradNorm: 1,
      schedule: null,
      callbacks: [new EarlyStopping({ patience: 10, restoreBest: true }), counter],
      quiet: true,
    });
    expect(counts).toHaveLength(4);
    expect(new Set(counts).size).toBe(1);
    expect(memory().numTensors).toBe(before);
    model.dispose();
  });

  it('steps a schedule per batch or per epoch as its interval says, and ReduceLROnPlateau with the monitored value', async () => {
    const model = toyModel(2);
    const opt = new SGD(model, { lr: 0.1 });
    const warm = new LinearLR(opt, { startFactor: 0.25, totalIters: 4 });
    expect(warm.interval).toBe('step');
    const h1 = await fit(model, train, {
      epochs: 1,
      batchSize: 16,
      optimizer: opt,
      schedule: warm,
      quiet: true,
    });
    expect(h1.steps.map((s) => s.lr[0])).toEqual(
      [0.025, 0.04375, 0.0625, 0.08125].map((v) => expect.closeTo(v, 12)),
    );
    expect(h1.epochs[0].lr[0]).toBeCloseTo(0.1, 12);
    opt.dispose();

    const opt2 = new SGD(model, { lr: 0.1 });
    const decay = new StepLR(opt2, { stepSize: 1, gamma: 0.5 });
    expect(decay.interval).toBe('epoch');
    const h2 = await fit(model, train, {
      epochs: 3,
      batchSize: 32,
      optimizer: opt2,
      schedule: decay,
      quiet: true,
    });
    expect(h2.steps.map((s) => s.lr[0])).toEqual([0.1, 0.1, 0.05, 0.05, 0.025, 0.025]);
    opt2.dispose();

    const opt3 = new SGD(model, { lr: 0 }); // nothing improves: the plateau schedule cuts the rate
    const plateau = new ReduceLROnPlateau(opt3, { patience: 0, factor: 0.5 });
    opt3.paramGroups[0].lr = 0;
    const h3 = await fit(model, train, {
      epochs: 2,
      batchSize: 32,
      optimizer: opt3,
      schedule: plateau,
      validation: val,
      quiet: true,
    });
    expect(h3.meta.scheduleInterval).toBe('epoch');
    expect(plateau.lastEpoch).toBe(2);
    opt3.dispose();
    model.dispose();
  });

  it('runs callbacks in order at each event, and stop() from onBatchEnd ends the run without recording the cut epoch', async () => {
    const model = toyModel(3);
    const events: string[] = [];
    const cb: Callback = {
      onFitStart: () => void events.push('fitStart'),
      onEpochStart: (f) => void events.push(`epochStart ${f.epoch}`),
      onBatchEnd: (f, b) => {
        events.push(`batch ${b.epoch}.${b.batch}`);
        if (b.step === 6) f.stop();
      },
      onValidationEnd: () => void events.push('val'),
      onEpochEnd: (_f, r) => void events.push(`epochEnd ${r.epoch}`),
      onFitEnd: () => void events.push('fitEnd'),
    };
    const history = await fit(model, train, {
      epochs: 3,
      batchSize: 16,
      validation: val,
      callbacks: [cb],
      quiet: true,
    });
    expect(events).toEqual([
      'fitStart',
      'epochStart 1',
      'batch 1.1',
      'batch 1.2',
      'batch 1.3',
      'batch 1.4',
      'val',
      'epochEnd 1',
      'epochStart 2',
      'batch 2.1',
      'batch 2.2',
      'fitEnd',
    ]);
    expect(history.stopReason).toBe('stopped');
    expect(history.epochs).toHaveLength(1);
    expect(history.steps).toHaveLength(6);
    model.dispose();
  });

  it('maxSteps and an abort signal stop the run', async () => {
    const model = toyModel(4);
    const h = await fit(model, train, { epochs: 5, batchSize: 16, maxSteps: 8, quiet: true });
    expect(h.stopReason).toBe('max-steps');
    expect(h.epochs).toHaveLength(2);
    const controller = new AbortController();
    const aborting: Callback = { onBatchEnd: (_f, b) => void (b.step === 2 && controller.abort()) };
    const h2 = await fit(model, train, {
      epochs: 5,
      batchSize: 16,
      signal: controller.signal,
      callbacks: [aborting],
      quiet: true,
    });
    expect(h2.stopReason).toBe('aborted');
    expect(h2.steps).toHaveLength(2);
    model.dispose();
  });

  it('clips gradients by value and by norm: SGD with lr 1 moves each weight by at most the clip', async () => {
    for (const clip of [{ clipGradValue: 1e-3 }, { clipGradNorm: 1e-3 }]) {
      const model = toyModel(5, { dropout: 0 });
      const before = await weightsOf(model);
      const opt = new SGD(model, { lr: 1 });
      await fit(model, train, { epochs: 1, batchSize: 64, optimizer: opt, quiet: true, ...clip });
      const after = await weightsOf(model);
      let sq = 0;
      let largest = 0;
      for (const [name, values] of Object.entries(after)) {
        if (!model.namedParameters().some(([n]) => n === name)) continue; // buffers move by their own rule
        values.forEach((v, i) => {
          const d = v - before[name][i];
          sq += d * d;
          largest = Math.max(largest, Math.abs(d));
        });
      }
      if ('clipGradValue' in clip)
        expect(largest).toBeLessThanOrEqual(1e-3 + 1e-7); // + float32 rounding of w − 1e-3
      else expect(Math.sqrt(sq)).toBeLessThanOrEqual(1e-3 + 1e-6);
      expect(largest).toBeGreaterThan(0);
      opt.dispose();
      model.dispose();
    }
  });

  it('a NaN loss stops training with an error naming the step and the first parameter, before it reaches the weights or the BatchNorm statistics', async () => {
    const model = toyModel(6);
    const nanAtStep3 = (x: Tensor4D) => {
      calls++;
      return (calls === 3 ? mul(x, Number.NaN) : clone(x)) as Tensor4D;
    };
    let calls = 0;
    let atStep2: Record<string, number[]> = {};
    const snap: Callback = {
      onBatchEnd: async (f, b) => {
        if (b.step === 2) atStep2 = await weightsOf(f.model);
      },
    };
    const before = memory().numTensors;
    const err = await fit(model, train, {
      epochs: 2,
      batchSize: 16,
      augment: nanAtStep3,
      callbacks: [snap],
      quiet: true,
    }).catch((e) => e);
    expect(err).toBeInstanceOf(NonFiniteStepError);
    expect(err.step).toBe(3);
    expect(err.epoch).toBe(1);
    expect(err.loss).toBeNaN();
    expect(err.parameter).toBe('0.weight');
    expect(err.message).toMatch(
      /fit: step 3 \(epoch 1\): the loss is NaN and .* the first of parameter '0\.weight'/,
    );
    // Weights, BatchNorm running statistics and numBatchesTracked: exactly as after step 2.
    expect(await weightsOf(model)).toEqual(atStep2);
    expect(memory().numTensors).toBe(before);

    calls = 0;
    const h = await fit(model, train, {
      epochs: 1,
      batchSize: 16,
      augment: nanAtStep3,
      nonFinite: 'skip',
      quiet: true,
    });
    expect(h.epochs[0].skipped).toBe(1);
    expect(h.steps[2].loss).toBeNaN();
    expect(Number.isFinite(h.epochs[0].train.loss)).toBe(true);
    expect(
      Object.values(await weightsOf(model))
        .flat()
        .every(Number.isFinite),
    ).toBe(true);
    expect(memory().numTensors).toBe(before);
    model.dispose();
  });

  it('refuses bad options with messages that name them', async () => {
    const model = toyModel(7);
    await expect(fit(model, train, { epochs: 0 })).rejects.toThrow(/fit: epochs must be a positive integer/);
    await expect(fit(model, train, { metrics: ['acc'] })).rejects.toThrow(/fit: unknown metric 'acc'/);
    await expect(fit(model, train, { monitor: 'val.loss' })).rejects.toThrow(/needs validation data/);
    await expect(fit(model, train, { nonFinite: 'ignore' as 'off' })).rejects.toThrow(/nonFinite must be/);
    model.dispose();
  });
});
