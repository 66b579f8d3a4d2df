import { compose, randomCrop, randomHorizontalFlip, step } from '@convkit/augment';
import { describeEachBackend } from '@convkit/backend/testing';
import { memory } from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { AdamW } from '../optim/adamw';
import { OneCycleLR } from '../schedule/one-cycle-lr';
import { toyDataset, toyModel, weightsOf } from '../test-helpers';
import type { Callback } from './callbacks';
import { EarlyStopping } from './early-stopping';
import { fit } from './fit';
import type { History } from './history';

const train = toyDataset(64, 0);
const val = toyDataset(32, 1);
const EPOCHS = 3;
const STEPS = 12; // 3 epochs of 4 batches

/** A run with every source of randomness: shuffling, two augmentations, dropout; AdamW and a per-batch OneCycleLR. */
function setup(initSeed: number) {
  const model = toyModel(initSeed, { dropout: 0.3 });
  const optimizer = new AdamW(model, { lr: 0.01, weightDecay: 0.01 });
  const schedule = new OneCycleLR(optimizer, { maxLr: 0.02, totalSteps: STEPS });
  const options = {
    epochs: EPOCHS,
    batchSize: 16,
    optimizer,
    schedule,
    validation: val,
    augment: compose([step(randomCrop, { padding: 1 }), step(randomHorizontalFlip)]),
    quiet: true,
  };
  const dispose = () => {
    optimizer.dispose();
    model.dispose();
  };
  return { model, optimizer, options, dispose };
}

/** The history without its timings (they differ from run to run). */
const numbers = (h: History) => ({
  steps: h.steps,
  epochs: h.epochs.map(({ seconds, ...rest }) => rest),
  best: h.best,
  stopReason: h.stopReason,
});

// Bit-exactness holds within a backend (same kernels, same order): the issue asks it of cpu and wasm,
// and software WebGPU gives it too. On wasm the kernels run on XNNPACK's thread pool (every core in
// Node): it splits outputs, not sums, so the thread count does not change a value (packages/backend
// README, tested there); both runs here also share one process and one thread count.
describeEachBackend('fit: resuming from a checkpoint', () => {
  it('at step 5 (mid-epoch) or after epoch 1 gives the same losses, scores and weights, bit for bit', async () => {
    const a = setup(0);
    const saved: Record<string, Uint8Array> = {};
    const saver: Callback = {
      onBatchEnd: async (f, b) => {
        if (b.step === 5) saved.step5 = await f.checkpoint();
      },
      onEpochEnd: async (f, r) => {
        if (r.epoch === 1) saved.epoch1 = await f.checkpoint();
      },
    };
    const full = await fit(a.model, train, {
      ...a.options,
      callbacks: [saver, new EarlyStopping({ patience: 9, restoreBest: false })],
    });
    const fullWeights = await weightsOf(a.model);
    a.dispose();
    expect(full.steps).toHaveLength(STEPS);

    for (const key of ['step5', 'epoch1']) {
      const before = memory().numTensors;
      const b = setup(123); // other initial weights: the checkpoint must overwrite them all
      const resumed = await fit(b.model, train, {
        ...b.options,
        resume: saved[key],
        callbacks: [new EarlyStopping({ patience: 9, restoreBest: false })],
      });
      expect(numbers(resumed)).toEqual(numbers(full));
      expect(await weightsOf(b.model)).toEqual(fullWeights);
      b.dispose();
      expect(memory().numTensors).toBe(before);
    }
  });
});
