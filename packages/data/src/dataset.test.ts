import { describe, expect, it } from 'vitest';
import { classCounts, createDataset, type Dataset, slice, split, subset } from './dataset';

/** n samples of 2×2×1 whose pixels all equal the sample index; label = index mod 3. */
function toy(n: number): Dataset {
  const images = new Uint8Array(n * 4);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    images.fill(i, i * 4, (i + 1) * 4);
    labels[i] = i % 3;
  }
  return createDataset({ images, labels, height: 2, width: 2, channels: 1, classes: ['a', 'b', 'c'] });
}

const ids = (ds: Dataset) => Array.from({ length: ds.count }, (_, i) => ds.images[i * 4]);

describe('createDataset', () => {
  it('checks sizes and labels', () => {
    const base = { height: 2, width: 2, channels: 1, classes: ['a', 'b'] };
    expect(createDataset({ ...base, images: new Uint8Array(8), labels: new Uint8Array(2) }).count).toBe(2);
    expect(() => createDataset({ ...base, images: new Uint8Array(7), labels: new Uint8Array(2) })).toThrow(
      /images has 7 bytes, expected 2·2·2·1 = 8/,
    );
    expect(() =>
      createDataset({ ...base, images: new Uint8Array(8), labels: new Uint8Array([0, 2]) }),
    ).toThrow(/label 2 of sample 1 is not below 2 classes/);
    expect(() =>
      createDataset({ ...base, count: 3, images: new Uint8Array(12), labels: new Uint8Array(2) }),
    ).toThrow(/2 labels for 3 samples/);
  });
});

describe('subset / slice', () => {
  it('subset copies the chosen samples in order', () => {
    const ds = toy(10);
    const s = subset(ds, [7, 2, 7]);
    expect(s.count).toBe(3);
    expect(ids(s)).toEqual([7, 2, 7]);
    expect(Array.from(s.labels)).toEqual([1, 2, 1]);
    expect(() => subset(ds, [10])).toThrow(/index 10 out of range/);
  });

  it('slice is a view of [start, end)', () => {
    const ds = toy(10);
    const s = slice(ds, 3, 6);
    expect(ids(s)).toEqual([3, 4, 5]);
    expect(s.images.buffer).toBe(ds.images.buffer);
    expect(slice(ds, 8, 100).count).toBe(2);
  });
});

describe('files', () => {
  it('are checked against the count and follow subset, slice and split', () => {
    const base = toy(4);
    const files = ['a.png', 'b.png', 'c.png', 'd.png'];
    expect(() => createDataset({ ...base, files: files.slice(1) })).toThrow(/3 files for 4 samples/);
    const ds = createDataset({ ...base, files });
    expect(subset(ds, [3, 0]).files).toEqual(['d.png', 'a.png']);
    expect(slice(ds, 1, 3).files).toEqual(['b.png', 'c.png']);
    const [a, b] = split(ds, 2, { seed: 1 });
    expect([...(a.files ?? []), ...(b.files ?? [])].sort()).toEqual(files);
    expect(a.files?.map((f) => files.indexOf(f))).toEqual(ids(a));
    expect(subset(base, [1]).files).toBeUndefined();
  });
});

describe('split', () => {
  it('without a seed, splits in order (count or fraction)', () => {
    const [a, b] = split(toy(10), 0.7);
    expect(ids(a)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(ids(b)).toEqual([7, 8, 9]);
    expect(split(toy(10), 4)[0].count).toBe(4);
    expect(() => split(toy(10), 11)).toThrow(/first must be a count in \[0, 10\]/);
  });

  it('a seed that is not an integer in [0, 2^32) or an Rng is named', () => {
    for (const seed of [1.5, -1, 2 ** 32, 'abc']) {
      expect(() => split(toy(10), 4, { seed: seed as number })).toThrow(
        `split: seed must be an integer seed in [0, 2^32), got ${seed === 'abc' ? "'abc'" : seed}`,
      );
    }
  });

  it('with a seed, splits a permutation: disjoint, complete, reproducible', () => {
    const ds = toy(100);
    const [a, b] = split(ds, 80, { seed: 3 });
    const [a2] = split(ds, 80, { seed: 3 });
    const [a3] = split(ds, 80, { seed: 4 });
    expect(ids(a)).toEqual(ids(a2));
    expect(ids(a)).not.toEqual(ids(a3));
    expect(ids(a)).not.toEqual(ids(slice(ds, 0, 80)));
    expect([...ids(a), ...ids(b)].sort((x, y) => x - y)).toEqual(ids(ds));
    expect(classCounts(a).reduce((s, c) => s + c, 0)).toBe(80);
  });
});
