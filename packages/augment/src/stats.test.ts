import { Rng } from '@convkit/backend';
import { describeEachBackend } from '@convkit/backend/testing';
import { memory, tensor } from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { ChannelStats, channelStats } from './stats';

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

describeEachBackend('channel statistics', () => {
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
});
