import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeEachBackend } from '@convkit/backend/testing';
import { memory } from '@tensorflow/tfjs-core';
import { afterAll, expect, it } from 'vitest';
import { loadDataByName } from '../data-by-name';
import { toyDataset, writeImageFolder } from '../test-helpers';
import { fitTrial } from './fit-trial';
import { randomSearch } from './random-search';
import { choice, logUniform } from './space';

const dir = mkdtempSync(join(tmpdir(), 'convkit-fit-trial-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeImageFolder(dir, { train: toyDataset(32, 0), val: toyDataset(16, 1) });
// mnist_cnn (11k parameters) on the toy images resized to 28×28 gray: a real zoo model, quick on every backend.
const model = { model: 'mnist_cnn', batchSize: 16 };
const spec = { data: dir, imageSize: 28, channels: 1 as const };

describeEachBackend('fitTrial', (backend) => {
  it("trains a zoo model by name on data by path, for the trial's epochs and seed, without a leak", async () => {
    const data = await loadDataByName(spec);
    expect(data.description).toBe(`${dir} (train 32, val 16 as validation, 28×28×1, 4 classes)`);
    const trial = fitTrial({ ...model, data });
    const before = memory().numTensors;
    const context = { id: 0, stage: 'coarse' as const, seed: 3, epochs: 2 };
    const a = await trial({ lr: 3e-3, optimizer: 'Adam' }, context);
    expect(memory().numTensors).toBe(before);
    expect(a.valAccuracy).toBeGreaterThanOrEqual(0);
    expect(a.valAccuracy).toBeLessThanOrEqual(1);
    expect(Number.isFinite(a.valLoss)).toBe(true);
    const history = a.history as {
      epochs: unknown[];
      steps: unknown[];
      meta: { optimizer: string; seed: number };
    };
    expect(history.epochs).toHaveLength(2);
    expect(history.steps).toEqual([]); // 'epochs' keeps the per-epoch records only
    expect(history.meta).toMatchObject({ optimizer: 'Adam', seed: 3 });
    expect(a.metrics).toMatchObject({ steps: 4 });
    if (backend !== 'webgpu') {
      // Deterministic on cpu and wasm: the same params and seed give the same numbers.
      const b = await trial({ lr: 3e-3, optimizer: 'Adam' }, context);
      expect(b.valLoss).toBe(a.valLoss);
    }
  });
});

it('stops at maxSteps and still validates; rejects unknown hyperparameters with the closest name', async () => {
  const data = await loadDataByName({ ...spec, limit: 16 });
  const trial = fitTrial({ ...model, data, maxSteps: 1, history: 'none' });
  const r = await trial({ lr: 1e-3 }, { id: 0, stage: 'coarse', seed: 0, epochs: 1 });
  expect(r.metrics?.steps).toBe(1);
  expect(r.history).toBeUndefined();
  expect(Number.isFinite(r.valLoss)).toBe(true);
  await expect(trial({ learningRate: 1e-3 }, { id: 0, stage: 'coarse', seed: 0, epochs: 1 })).rejects.toThrow(
    "fitTrial: unknown hyperparameter 'learningRate'",
  );
  await expect(
    trial({ lr: 1e-3, optimizer: 'Adamax' }, { id: 0, stage: 'coarse', seed: 0, epochs: 1 }),
  ).rejects.toThrow('fitTrial: optimizer must be one of SGD, Adam, AdamW, RMSprop, got "Adamax"');
  await expect(
    trial({ lr: 1e-3, momentum: 0.9, optimizer: 'Adam' }, { id: 0, stage: 'coarse', seed: 0, epochs: 1 }),
  ).rejects.toThrow('momentum applies to SGD and RMSprop, not Adam');
});

it('is searched by randomSearch: a diverging learning rate fails its trial, the others complete', async () => {
  const data = await loadDataByName(spec);
  const result = await randomSearch(
    { lr: logUniform(1e-3, 1e30), optimizer: choice(['SGD']) },
    fitTrial({ ...model, data, maxSteps: 2, history: 'none' }),
    { trials: 4, epochs: 1, seed: 2 },
  );
  expect(result.trials).toHaveLength(4);
  const failed = result.trials.filter((t) => t.error !== undefined);
  expect(failed.length).toBeGreaterThan(0);
  for (const t of failed) expect(t.error).toMatch(/not finite|NaN|Infinity/i);
  expect(result.trials.filter((t) => t.error === undefined).length).toBeGreaterThan(0);
});
