import { Rng } from '@convkit/backend';
import { describeEachBackend } from '@convkit/backend/testing';
import { memory } from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { centerCrop, randomCrop } from './random-crop';
import { at, indexImages, values } from './test-helpers';

/** Hand-built pad-and-crop: pads with numpy-style modes, then slices. */
function reference(
  src: number[],
  shape: [number, number, number, number],
  tops: number[],
  lefts: number[],
  h: number,
  w: number,
  pad: number,
  mode: 'zero' | 'edge' | 'reflect' | 'constant',
  fill: number | readonly number[] = 0,
): number[] {
  const [B, H, W, C] = shape;
  const map = (s: number, n: number): number => {
    if (s >= 0 && s < n) return s;
    if (mode === 'edge') return s < 0 ? 0 : n - 1;
    if (mode === 'reflect') return s < 0 ? -s : 2 * (n - 1) - s;
    return -1;
  };
  const out: number[] = [];
  for (let b = 0; b < B; b++)
    for (let i = 0; i < h; i++)
      for (let j = 0; j < w; j++)
        for (let c = 0; c < C; c++) {
          const si = map(tops[b] + i - pad, H);
          const sj = map(lefts[b] + j - pad, W);
          const f = typeof fill === 'number' ? fill : fill[c];
          out.push(si < 0 || sj < 0 ? f : at(src, shape, b, si, sj, c));
        }
  return out;
}

describeEachBackend('randomCrop', () => {
  const shape: [number, number, number, number] = [5, 6, 7, 2];

  for (const mode of ['zero', 'edge', 'reflect', 'constant'] as const) {
    it(`pads (${mode}) and crops exactly at the drawn offsets`, async () => {
      const x = indexImages(shape);
      const pad = 3;
      const y = randomCrop(x, new Rng(11), { size: [5, 6], padding: pad, paddingMode: mode, fill: -7 });
      expect(y.shape).toEqual([5, 5, 6, 2]);
      const r = new Rng(11);
      const tops: number[] = [];
      const lefts: number[] = [];
      for (let b = 0; b < 5; b++) {
        tops.push(r.int(0, 6 + 6 - 5 + 1));
        lefts.push(r.int(0, 7 + 6 - 6 + 1));
      }
      const expected = reference(
        await values(x),
        shape,
        tops,
        lefts,
        5,
        6,
        pad,
        mode,
        mode === 'constant' ? -7 : 0,
      );
      expect(await values(y)).toEqual(expected);
      x.dispose();
      y.dispose();
    });
  }

  for (const [mode, fill] of [
    ['edge', 0],
    ['zero', 0],
    ['reflect', 0],
    ['constant', [3, -3]],
  ] as const) {
    it(`flip mirrors each drawn window left–right in the same pass (${mode}, fill ${fill})`, async () => {
      const x = indexImages(shape);
      const y = randomCrop(x, new Rng(12), {
        size: [4, 5],
        padding: 2,
        paddingMode: mode,
        flip: 0.5,
        fill: typeof fill === 'number' ? fill : [...fill],
      });
      const r = new Rng(12);
      const tops: number[] = [];
      const lefts: number[] = [];
      const flips: boolean[] = [];
      for (let b = 0; b < 5; b++) {
        tops.push(r.int(0, 10 - 4 + 1));
        lefts.push(r.int(0, 11 - 5 + 1));
        flips.push(r.uniform() < 0.5);
      }
      expect(flips.some(Boolean) && !flips.every(Boolean)).toBe(true);
      const plain = reference(
        await values(x),
        shape,
        tops,
        lefts,
        4,
        5,
        2,
        mode,
        mode === 'constant' ? fill : 0,
      );
      const expected: number[] = [];
      for (let b = 0; b < 5; b++)
        for (let i = 0; i < 4; i++)
          for (let j = 0; j < 5; j++)
            for (let c = 0; c < 2; c++)
              expected.push(plain[((b * 4 + i) * 5 + (flips[b] ? 4 - j : j)) * 2 + c]);
      expect(await values(y)).toEqual(expected);
      expect(() => randomCrop(x, new Rng(0), { flip: 2 })).toThrow(/flip must be a probability/);
      x.dispose();
      y.dispose();
    });
  }

  it('no padding and full size is the identity; centerCrop takes the middle', async () => {
    const x = indexImages(shape);
    const before = memory().numTensors;
    const same = randomCrop(x, new Rng(0));
    expect(await values(same)).toEqual(await values(x));
    const c = centerCrop(x, [2, 3]);
    const src = await values(x);
    expect(await values(c)).toEqual(reference(src, shape, [2, 2, 2, 2, 2], [2, 2, 2, 2, 2], 2, 3, 0, 'zero'));
    same.dispose();
    c.dispose();
    expect(memory().numTensors).toBe(before);
    x.dispose();
  });

  it('rejects negative padding, crops larger than the (padded) image and reflect padding ≥ size', () => {
    const x = indexImages(shape);
    expect(() => randomCrop(x, new Rng(0), { padding: -1 })).toThrow(/padding\[0\].*>= 0/);
    expect(() => randomCrop(x, new Rng(0), { size: 8 })).toThrow(/crop 8×8 is larger than the image 6×7/);
    expect(() => randomCrop(x, new Rng(0), { size: 9, padding: 1 })).toThrow(
      /larger than the padded image 8×9/,
    );
    expect(() => randomCrop(x, new Rng(0), { padding: 6, paddingMode: 'reflect' })).toThrow(
      /reflect padding/,
    );
    expect(() => randomCrop(x, new Rng(0), { paddingMode: 'wrap' as never })).toThrow(
      /paddingMode must be one of/,
    );
    expect(() => randomCrop(x, new Rng(0), { padding: 1, paddingMode: 'constant', fill: [1, 2, 3] })).toThrow(
      /fill needs 1 or 2/,
    );
    expect(() => centerCrop(x, 7)).toThrow(/larger than the image/);
    x.dispose();
  });
});
