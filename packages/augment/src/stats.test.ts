import { Rng } from '@convkit/backend';
import { describeEachBackend } from '@convkit/backend/testing';
import { batches, loadMnist } from '@convkit/data';
import { memory, tensor } from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { ChannelStats, channelStats, STATS_CHUNK } from './stats';

/** Two-pass float64 reference over the whole dataset at once. */
function reference(data: number[], c: number): { mean: number[]; std: number[] } {
  const n = data.length / c;
  const mean = new Array<number>(c).fill(0);
  data.forEach((v, i) => {
    mean[i % c] += v / n;
  });
  const m2 = new Array<number>(c).fill(0);
  data.forEach((v, i) => {
    m2[i % c] += (v - mean[i % c]) ** 2;
  });
  return { mean, std: m2.map((v) => Math.sqrt(v / n)) };
}

function dataset(
  seed: number,
  batches: number[],
  c: number,
  offset: number,
): { data: number[]; parts: number[][] } {
  const r = new Rng(seed);
  const parts = batches.map((n) =>
    Array.from({ length: n * 4 * 3 * c }, (_, i) => offset + (i % c) + r.uniform()),
  );
  return { data: parts.flat(), parts };
}

/**
 * Seeded uint8 pixels of `shape` (MNIST-like: mostly 0 with bright strokes; CIFAR-like: anywhere in
 * 0..255) and their float64 statistics after /255, made once per shape for every backend's pass.
 */
const batchesByShape = new Map<string, { px: Uint8Array; ref: { mean: number[]; std: number[] } }>();
function pixelBatch(shape: number[]): { px: Uint8Array; ref: { mean: number[]; std: number[] } } {
  const key = shape.join('x');
  let batch = batchesByShape.get(key);
  if (batch === undefined) {
    const r = new Rng(7);
    const size = shape.reduce((a, b) => a * b, 1);
    const c = shape[3] as number;
    const pixel = () => Math.floor(r.uniform() * 256);
    const px = Uint8Array.from({ length: size }, c === 1 ? () => (r.uniform() < 0.8 ? 0 : pixel()) : pixel);
    batch = {
      px,
      ref: reference(
        Array.from(px, (v) => v / 255),
        c,
      ),
    };
    batchesByShape.set(key, batch);
  }
  return batch;
}

describeEachBackend('channel statistics', (backend) => {
  it('streams tensor batches of unequal size (Chan merge) and matches a two-pass reference', async () => {
    const before = memory().numTensors;
    const { data, parts } = dataset(1, [5, 1, 7, 3], 3, 0);
    const ref = reference(data, 3);
    const batches = parts.map((p) => tensor(p, [p.length / 36, 4, 3, 3]));
    const got = await channelStats(batches);
    expect(got.count).toBe(16 * 12);
    for (const [k, m] of got.mean.entries()) expect(m).toBeCloseTo(ref.mean[k], 6);
    for (const [k, s] of got.std.entries()) expect(s).toBeCloseTo(ref.std[k], 6);
    for (const b of batches) b.dispose();
    expect(memory().numTensors).toBe(before);
  });

  it('typed arrays with a large offset keep float64 accuracy (no E[x²] − E[x]² cancellation)', async () => {
    const { data, parts } = dataset(2, [10, 10, 10], 1, 1e4);
    const ref = reference(data, 1);
    const acc = new ChannelStats();
    for (const p of parts) acc.update({ data: Float64Array.from(p), shape: [p.length / 12, 4, 3, 1] });
    expect(acc.mean[0]).toBeCloseTo(ref.mean[0], 9);
    expect(acc.std()[0]).toBeCloseTo(ref.std[0], 9);
    expect(acc.std(true)[0]).toBeGreaterThan(acc.std()[0]);
  });

  it('scale, async iterables and merge agree; empty and mismatched input is rejected', async () => {
    const px = Uint8Array.from({ length: 2 * 2 * 2 * 3 }, (_, i) => (i * 37) % 256);
    async function* gen() {
      yield { data: px.subarray(0, 12), shape: [1, 2, 2, 3] };
      yield tensor(Array.from(px.subarray(12)), [1, 2, 2, 3], 'int32');
    }
    const got = await channelStats(gen(), { scale: 1 / 255 });
    const ref = reference(
      Array.from(px, (v) => v / 255),
      3,
    );
    for (const [k, m] of got.mean.entries()) expect(m).toBeCloseTo(ref.mean[k], 6);
    const a = new ChannelStats().update({ data: [1, 2, 3], shape: [3, 1] });
    const b = new ChannelStats().update({ data: [10, 20], shape: [2, 1] });
    a.merge(b);
    expect(a.mean[0]).toBeCloseTo(7.2, 12);
    expect(a.count).toBe(5);
    expect(() => new ChannelStats().mean).toThrow(/no data yet/);
    expect(() => a.update({ data: [1, 2], shape: [1, 2] })).toThrow(/2 channels, earlier batches had 1/);
    expect(() => a.update({ data: [1, 2, 3], shape: [2, 1] })).toThrow(/does not fit shape/);
  });

  // Realistic batch sizes: one float32 reduction over a whole batch lost 3e-3 (std, 1000 MNIST-like
  // images) and 1.5e-3 (mean, CIFAR-like) on wasm. Chunked float32 sums merged in float64 stay
  // under 1e-7 (the float32 rounding of x/255).
  for (const [label, shape] of [
    ['1000 MNIST-like images', [1000, 28, 28, 1]],
    ['400 CIFAR-like images', [400, 32, 32, 3]],
  ] as [string, number[]][]) {
    it(`a batch of ${label} matches float64 to 1e-6 relative`, async () => {
      const { px, ref } = pixelBatch(shape);
      const c = shape[3] as number;
      const size = px.length;
      const before = memory().numTensors;
      const x = tensor(px, shape, 'int32');
      const got = await new ChannelStats({ scale: 1 / 255 }).updateAsync(x);
      x.dispose();
      expect(memory().numTensors).toBe(before);
      expect(got.count).toBe(size / c);
      for (let k = 0; k < c; k++) {
        expect(Math.abs(got.mean[k] / ref.mean[k] - 1), `mean[${k}]`).toBeLessThan(1e-6);
        expect(Math.abs(got.std()[k] / ref.std[k] - 1), `std[${k}]`).toBeLessThan(1e-6);
      }
    });
  }

  it(`chunks of ${STATS_CHUNK} values per channel: exact multiples, a short tail and a batch under one chunk agree`, async () => {
    const r = new Rng(3);
    for (const rows of [2 * STATS_CHUNK, 2 * STATS_CHUNK + 5, 7]) {
      const data = Array.from({ length: rows * 2 }, () => 100 + r.uniform());
      const ref = reference(data, 2);
      const x = tensor(data, [rows, 1, 1, 2]);
      const got = await new ChannelStats().updateAsync(x);
      x.dispose();
      expect(got.count).toBe(rows);
      for (let k = 0; k < 2; k++) {
        expect(got.mean[k]).toBeCloseTo(ref.mean[k], 4);
        expect(Math.abs(got.std()[k] / ref.std[k] - 1)).toBeLessThan(1e-4);
      }
    }
    const empty = tensor([], [0, 2, 2, 1]);
    const acc = new ChannelStats().update(empty);
    empty.dispose();
    expect(acc.count).toBe(0);
  });

  // 47M pixels: 1 s on wasm, 17 s on cpu and 8 s on software WebGPU, so it runs on wasm only; the
  // batch tests above check the same chunked reduction on every backend.
  it.skipIf(backend !== 'wasm')(
    'the whole MNIST training set gives the published 0.1307, 0.3081 (wasm only: 17 s on cpu)',
    async () => {
      const train = await loadMnist('train');
      const acc = new ChannelStats();
      for (const { x, y } of batches(train, { batchSize: 10_000 })) {
        await acc.updateAsync(x);
        x.dispose();
        y.dispose();
      }
      expect(acc.count).toBe(60_000 * 28 * 28);
      expect(acc.mean[0].toFixed(4)).toBe('0.1307');
      expect(acc.std()[0].toFixed(4)).toBe('0.3081');
    },
  );
});
