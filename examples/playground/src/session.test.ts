import { useBackend } from '@convkit/backend/testing';
import { loadMnist, slice, split } from '@convkit/data';
import { memory } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LoadedData } from './data';
import { type Checkpoint, checkConfig, DEFAULT_CONFIG, type RunConfig, Session } from './session';

// The page's session in Node, on wasm (the browser check runs it on webgpu and wasm in Chromium): small slices of
// MNIST as the page splits it.
let data: LoadedData;

beforeAll(async () => {
  const full = await loadMnist('train');
  const [train, val] = split(slice(full, 0, 3000), 3000 - 500, { seed: 0 });
  data = { name: 'mnist', train, val, test: slice(await loadMnist('test'), 0, 100) };
});

const config = (over: Partial<RunConfig>): RunConfig => ({ ...DEFAULT_CONFIG, ...over });

async function weights(session: Session): Promise<Record<string, number[]>> {
  const out: Record<string, number[]> = {};
  for (const [k, t] of Object.entries(session.model.stateDict())) out[k] = Array.from(await t.data());
  return out;
}

describe('playground session', () => {
  useBackend('wasm');

  it('the loss falls over 30 Adam steps, the curves fill in, and nothing leaks', async () => {
    const before = memory().numTensors;
    const s = Session.create(config({ trainImages: 960, batchSize: 32, epochs: 1 }), data);
    expect(s.stepsPerEpoch).toBe(30);
    const losses: number[] = [];
    while (!s.done) {
      s.trainStep();
      const m = await s.readMetrics();
      if (m) losses.push(m.loss);
    }
    expect(losses).toHaveLength(30);
    expect(s.position).toEqual({ epoch: 1, stepInEpoch: 0, step: 30 });
    // ln 10 ≈ 2.30 is a uniform guess; seeded and deterministic.
    expect(losses[0]).toBeGreaterThan(2.0);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(losses.slice(-5))).toBeLessThan(0.75 * mean(losses.slice(0, 5)));
    const val = await s.validate();
    expect(val.accuracy).toBeGreaterThan(0.5); // chance is 0.1
    expect(s.history.train).toHaveLength(30);
    expect(s.history.val).toEqual([val]);
    s.trainStep(); // done: a no-op
    expect(s.position.step).toBe(30);
    s.dispose();
    expect(memory().numTensors).toBe(before);
  });

  it('reads several queued steps back at once, as their mean', async () => {
    const s = Session.create(config({ trainImages: 128, batchSize: 32, epochs: 1, augment: false }), data);
    s.trainStep();
    s.trainStep();
    s.trainStep();
    expect(s.unread).toBe(3);
    const m = await s.readMetrics();
    expect(m?.steps).toBe(3);
    expect(m?.step).toBe(3);
    expect(m?.accuracy).toBeGreaterThanOrEqual(0);
    expect(m?.accuracy).toBeLessThanOrEqual(1);
    expect(await s.readMetrics()).toBeUndefined();
    s.dispose();
  });

  it('a checkpoint continues exactly where it was taken, across epochs, with augmentation', async () => {
    const cfg = config({
      trainImages: 96,
      batchSize: 32,
      epochs: 3,
      optimizer: 'SGD',
      lr: 0.05,
      augment: true,
    });
    const a = Session.create(cfg, data);
    for (let i = 0; i < 4; i++) a.trainStep(); // into the second epoch
    const ckpt: Checkpoint = structuredClone(await a.checkpoint('cpu')); // as IndexedDB stores it
    expect(ckpt.position).toEqual({ epoch: 1, stepInEpoch: 1, step: 4 });
    while (!a.done) a.trainStep();
    await a.readMetrics();
    const b = Session.restore(ckpt, data);
    expect(b.history.train.map((p) => p.step)).toEqual([4]);
    while (!b.done) b.trainStep();
    await b.readMetrics();
    expect(await weights(b)).toEqual(await weights(a));
    expect(b.history.train.map((p) => p.step)).toEqual([4, 9]);
    a.dispose();
    b.dispose();
  });

  it('keeps a preview of the batch before and after augmentation', async () => {
    const s = Session.create(config({ trainImages: 64, batchSize: 16, epochs: 1, augment: true }), data);
    s.requestPreview();
    s.trainStep();
    const p = await s.takePreview();
    expect(p).toMatchObject({ count: 8, height: 28, width: 28 });
    expect(p?.original).toHaveLength(8 * 28 * 28);
    expect(p?.augmented).toHaveLength(8 * 28 * 28);
    expect(p?.original).not.toEqual(p?.augmented); // padding crops and rotations moved the digits
    expect(p?.labels).toHaveLength(8);
    expect(await s.takePreview()).toBeUndefined();
    s.dispose();
  });

  it('predicts class probabilities for raw 0–255 images', async () => {
    const s = Session.create(config({ trainImages: 64, batchSize: 32 }), data);
    const probs = await s.predict(data.test.images.subarray(0, 2 * 784), 2);
    expect(probs).toHaveLength(20);
    for (const k of [0, 1]) {
      expect(probs.subarray(10 * k, 10 * k + 10).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    }
    await expect(s.predict(new Uint8Array(10))).rejects.toThrow('expected 1×28×28 pixels, got 10');
    s.dispose();
  });

  it('refuses bad settings and foreign records with what is wrong', () => {
    expect(() => checkConfig(config({ lr: -1 }))).toThrow('learning rate must be in (0, 10), got -1');
    expect(() => checkConfig(config({ epochs: 0.5 }))).toThrow('epochs must be an integer');
    expect(() => checkConfig(config({ model: 'vgg16' as never }))).toThrow("unknown model 'vgg16'");
    expect(() => Session.create(config({ trainImages: 10, batchSize: 32 }), data)).toThrow(
      '10 training images make no batch of 32',
    );
    expect(() => Session.restore({ format: 'x' } as never, data)).toThrow('not a checkpoint of this page');
    const fashion = { ...data, name: 'fashion-mnist' as const };
    expect(() => Session.create(config({ dataset: 'mnist' }), fashion)).toThrow(
      'the loaded dataset is fashion-mnist, the settings ask for mnist',
    );
  });
});
