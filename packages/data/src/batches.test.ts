import { Rng } from '@convkit/backend';
import { useBackend } from '@convkit/backend/testing';
import { memory } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { type Batch, type BatchOptions, batchCount, batches } from './batches';
import { createDataset, type Dataset } from './dataset';

/** n samples of 2×2×c; every pixel of sample i is i (mod 256); label = i mod 10. */
function toy(n: number, c = 1): Dataset {
  const images = new Uint8Array(n * 4 * c);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    images.fill(i % 256, i * 4 * c, (i + 1) * 4 * c);
    labels[i] = i % 10;
  }
  const classes = Array.from({ length: 10 }, (_, k) => String(k));
  return createDataset({ images, labels, height: 2, width: 2, channels: c, classes });
}

/** Drains the iterator, returning the sample ids (first pixel × 255) batch by batch; disposes everything. */
function order(it: Iterable<Batch>): number[][] {
  const out: number[][] = [];
  for (const { x, y } of it) {
    const px = x.dataSync();
    const size = px.length / x.shape[0];
    out.push(Array.from({ length: x.shape[0] }, (_, k) => Math.round(px[k * size] * 255)));
    x.dispose();
    y.dispose();
  }
  return out;
}

describe('batches', () => {
  useBackend('cpu');

  it('yields float32 NHWC images scaled to [0, 1] and int32 labels', () => {
    const ds = toy(5);
    const [first, second] = [...batches(ds, { batchSize: 3 })];
    expect(first.x.shape).toEqual([3, 2, 2, 1]);
    expect(first.x.dtype).toBe('float32');
    expect(first.y.dtype).toBe('int32');
    expect(Array.from(first.x.dataSync().subarray(4, 8))).toEqual(new Array(4).fill(Math.fround(1 / 255)));
    expect(Array.from(first.y.dataSync())).toEqual([0, 1, 2]);
    expect(second.x.shape).toEqual([2, 2, 2, 1]);
    expect(Array.from(second.y.dataSync())).toEqual([3, 4]);
    for (const b of [first, second]) {
      b.x.dispose();
      b.y.dispose();
    }
  });

  it('normalizes per channel: (p/255 − mean)/std', () => {
    const ds = toy(2, 2);
    const [{ x, y }] = [...batches(ds, { batchSize: 2, normalize: { mean: [0, 0.5], std: [1, 0.25] } })];
    const px = x.dataSync();
    // Sample 1, pixel 0: channel 0 → 1/255, channel 1 → (1/255 − 0.5)/0.25.
    expect(px[8]).toBeCloseTo(1 / 255, 6);
    expect(px[9]).toBeCloseTo((1 / 255 - 0.5) / 0.25, 5);
    x.dispose();
    y.dispose();
    expect(() => batches(toy(2, 2), { batchSize: 1, normalize: { mean: [0], std: 1 } }).next()).toThrow(
      /normalize.mean has 1 values for 2 channels/,
    );
  });

  it('drops the last short batch on request and counts batches', () => {
    const ds = toy(10);
    expect(batchCount(ds, { batchSize: 4 })).toBe(3);
    expect(batchCount(ds, { batchSize: 4, dropLast: true })).toBe(2);
    expect(order(batches(ds, { batchSize: 4, dropLast: true }))).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
    ]);
  });

  it('shuffles: a seed gives the same order every time, an rng a new order per epoch', () => {
    const ds = toy(50);
    const a = order(batches(ds, { batchSize: 8, shuffle: true, seed: 1 }));
    const b = order(batches(ds, { batchSize: 8, shuffle: true, seed: 1 }));
    expect(a).toEqual(b);
    expect(a.flat()).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect([...a.flat()].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));

    const rng = new Rng(7);
    const epoch1 = order(batches(ds, { batchSize: 8, shuffle: true, rng }));
    const epoch2 = order(batches(ds, { batchSize: 8, shuffle: true, rng }));
    expect(epoch1).not.toEqual(epoch2);
    const replay = new Rng(7);
    expect(order(batches(ds, { batchSize: 8, shuffle: true, rng: replay }))).toEqual(epoch1);
  });

  it('refuses to shuffle without a seed or rng, and a bad batch size', () => {
    expect(() => batches(toy(4), { batchSize: 2, shuffle: true }).next()).toThrow(
      /shuffle needs a seed or an rng/,
    );
    expect(() => batches(toy(4), { batchSize: 0 }).next()).toThrow(/batchSize must be a positive integer/);
  });

  it('a seed that is not an integer in [0, 2^32) is named with the option (1.5, -1 and 2^32 aliased others)', () => {
    for (const seed of [1.5, -1, 2 ** 32]) {
      expect(() => batches(toy(4), { batchSize: 2, shuffle: true, seed }).next()).toThrow(
        `batches: seed must be an integer seed in [0, 2^32), got ${seed}`,
      );
    }
    expect(() => batches(toy(4), { batchSize: 2, shuffle: true, rng: 'abc' as never }).next()).toThrow(
      "batches: rng must be an Rng or an integer seed in [0, 2^32), got 'abc'",
    );
  });

  it('rejects a non-finite mean and a non-finite or non-positive std, naming the channel', () => {
    const run = (normalize: BatchOptions['normalize']) => () =>
      batches(toy(2, 2), { batchSize: 1, normalize }).next();
    expect(run({ mean: Number.NaN, std: 1 })).toThrow(
      /batches: normalize.mean\[0\] must be a finite number, got NaN/,
    );
    expect(run({ mean: [0, Number.POSITIVE_INFINITY], std: 1 })).toThrow(
      /normalize.mean\[1\] must be a finite number, got Infinity/,
    );
    expect(run({ mean: 0, std: [1, Number.NaN] })).toThrow(
      /normalize.std\[1\] must be a finite number > 0, got NaN/,
    );
    expect(run({ mean: 0, std: Number.POSITIVE_INFINITY })).toThrow(
      /normalize.std\[0\] must be a finite number > 0, got Infinity/,
    );
    expect(run({ mean: 0, std: [0.5, 0] })).toThrow(/normalize.std\[1\] must be a finite number > 0, got 0/);
    expect(run({ mean: 0, std: -1 })).toThrow(/normalize.std\[0\] must be a finite number > 0, got -1/);
  });

  it('batchCount rejects a batch size that is not a positive integer (0 gave Infinity)', () => {
    expect(() => batchCount(toy(4), { batchSize: 0 })).toThrow(
      /batchCount: batchSize must be a positive integer, got 0/,
    );
    expect(() => batchCount(toy(4), { batchSize: 2.5 })).toThrow(/got 2.5/);
    expect(() => batchCount(toy(4), { batchSize: -2 })).toThrow(/got -2/);
    expect(() => batchCount(toy(4), { batchSize: Number.NaN })).toThrow(/got NaN/);
  });

  it('leaks no tensors, also when the loop stops early', () => {
    const ds = toy(20);
    const before = memory().numTensors;
    order(batches(ds, { batchSize: 3, shuffle: true, seed: 0 }));
    for (const { x, y } of batches(ds, { batchSize: 3 })) {
      x.dispose();
      y.dispose();
      break;
    }
    expect(memory().numTensors).toBe(before);
  });
});
