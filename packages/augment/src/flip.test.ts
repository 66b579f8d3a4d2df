import { Rng } from '@convkit/backend';
import { describeEachBackend } from '@convkit/backend/testing';
import { memory, type Tensor4D, tensor } from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { randomHorizontalFlip, randomVerticalFlip } from './flip';
import { at, indexImages, values } from './test-helpers';

describeEachBackend('random flips', () => {
  const shape: [number, number, number, number] = [6, 3, 4, 2];

  for (const [name, op, axis] of [
    ['horizontal', randomHorizontalFlip, 2],
    ['vertical', randomVerticalFlip, 1],
  ] as const) {
    it(`${name}: flips exactly the samples whose coin came up (p = 0.5)`, async () => {
      const x = indexImages(shape);
      const src = await values(x);
      const y = op(x, new Rng(3), { p: 0.5 });
      const out = await values(y);
      const coin = new Rng(3);
      const flipped = Array.from({ length: 6 }, () => coin.uniform() < 0.5);
      expect(flipped.some(Boolean) && !flipped.every(Boolean)).toBe(true);
      const [B, H, W, C] = shape;
      const expected: number[] = [];
      for (let b = 0; b < B; b++)
        for (let i = 0; i < H; i++)
          for (let j = 0; j < W; j++)
            for (let c = 0; c < C; c++) {
              const si = flipped[b] && axis === 1 ? H - 1 - i : i;
              const sj = flipped[b] && axis === 2 ? W - 1 - j : j;
              expected.push(at(src, shape, b, si, sj, c));
            }
      expect(out).toEqual(expected);
      x.dispose();
      y.dispose();
    });
  }

  it('p = 0 is the identity, p = 1 flips all; no tensors leak', async () => {
    const x = indexImages(shape);
    const before = memory().numTensors;
    const none = randomHorizontalFlip(x, new Rng(1), { p: 0 });
    const all = randomHorizontalFlip(x, new Rng(1), { p: 1 });
    expect(await values(none)).toEqual(await values(x));
    expect(at(await values(all), shape, 2, 1, 0, 1)).toBe(at(await values(x), shape, 2, 1, 3, 1));
    none.dispose();
    all.dispose();
    expect(memory().numTensors).toBe(before);
    x.dispose();
  });

  it('one-pixel-wide images take the reverse path', async () => {
    const x = indexImages([2, 3, 1, 1]);
    const y = randomVerticalFlip(x, new Rng(0), { p: 1 });
    expect(await values(y)).toEqual([200, 100, 0, 1200, 1100, 1000]);
    x.dispose();
    y.dispose();
  });

  it('rejects bad probabilities and non-NHWC input', () => {
    const x = indexImages(shape);
    expect(() => randomHorizontalFlip(x, new Rng(0), { p: 1.5 })).toThrow(/probability in \[0, 1\], got 1.5/);
    expect(() => randomVerticalFlip(x, new Rng(0), { p: -0.1 })).toThrow(/probability/);
    const r3 = tensor([1, 2, 3, 4], [1, 2, 2]);
    expect(() => randomHorizontalFlip(r3 as unknown as Tensor4D, new Rng(0))).toThrow(
      /rank-4 NHWC.*\[1,2,2\]/,
    );
    const ints = tensor([1, 2, 3, 4], [1, 2, 2, 1], 'int32') as Tensor4D;
    expect(() => randomHorizontalFlip(ints, new Rng(0))).toThrow(/float32.*toFloat/);
    for (const t of [x, r3, ints]) t.dispose();
  });
});
