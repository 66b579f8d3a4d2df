import { Rng } from '@convkit/backend';
import { describeEachBackend } from '@convkit/backend/testing';
import { memory } from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { erase, randomErasing, sampleEraseBox } from './erasing';
import type { Box } from './resized-crop';
import { at, indexImages, values } from './test-helpers';

function reference(src: number[], shape: number[], boxes: (Box | null)[], value: number[]): number[] {
  const [B, H, W, C] = shape;
  const out: number[] = [];
  for (let b = 0; b < B; b++)
    for (let i = 0; i < H; i++)
      for (let j = 0; j < W; j++)
        for (let c = 0; c < C; c++) {
          const box = boxes[b];
          const inside =
            box !== null &&
            i >= box.top &&
            i < box.top + box.height &&
            j >= box.left &&
            j < box.left + box.width;
          out.push(inside ? value[c] : at(src, shape, b, i, j, c));
        }
  return out;
}

describeEachBackend('random erasing', () => {
  const shape: [number, number, number, number] = [8, 10, 12, 3];

  it('erases exactly the drawn boxes with a per-channel value', async () => {
    const before = memory().numTensors;
    const x = indexImages(shape);
    const y = randomErasing(x, new Rng(21), { p: 0.6, value: [-1, -2, -3] });
    const r = new Rng(21);
    const boxes = Array.from({ length: 8 }, () =>
      r.uniform() < 0.6 ? sampleEraseBox(r, 10, 12, [0.02, 0.33], [0.3, 3.3]) : null,
    );
    expect(boxes.some((b) => b !== null) && boxes.some((b) => b === null)).toBe(true);
    expect(await values(y)).toEqual(reference(await values(x), shape, boxes, [-1, -2, -3]));
    x.dispose();
    y.dispose();
    expect(memory().numTensors).toBe(before);
  });

  it("boxes respect the area and aspect ranges; 'random' fills with noise inside the box only", async () => {
    const r = new Rng(3);
    const boxes = Array.from({ length: 200 }, () => sampleEraseBox(r, 32, 32, [0.1, 0.2], [0.5, 2]));
    // null (no box found in 10 tries) is rare for these ranges: the checks below see most draws.
    expect(boxes.filter((b) => b === null).length).toBeLessThan(20);
    for (const b of boxes) {
      if (b === null) continue;
      expect(b.height).toBeLessThan(32);
      expect(b.top + b.height).toBeLessThanOrEqual(32);
      expect((b.height * b.width) / 1024).toBeGreaterThan(0.07);
      expect((b.height * b.width) / 1024).toBeLessThan(0.24);
    }
    const x = indexImages(shape);
    const y = randomErasing(x, new Rng(5), { p: 1, value: 'random' });
    const src = await values(x);
    const out = await values(y);
    const changed = out.filter((v, i) => v !== src[i]).length;
    expect(changed).toBeGreaterThan(0);
    expect(changed).toBeLessThan(out.length * 0.5);
    x.dispose();
    y.dispose();
  });

  it('erase() with a null box leaves a sample untouched; bad options throw', async () => {
    const x = indexImages([2, 3, 3, 1]);
    const y = erase(x, [null, { top: 1, left: 1, height: 5, width: 5 }], 9);
    expect(await values(y)).toEqual([
      0, 1, 2, 100, 101, 102, 200, 201, 202, 1000, 1001, 1002, 1100, 9, 9, 1200, 9, 9,
    ]);
    expect(() => randomErasing(x, new Rng(0), { p: 2 })).toThrow(/probability/);
    expect(() => randomErasing(x, new Rng(0), { scale: [0.5, 0.1] })).toThrow(/scale/);
    const rgb = indexImages([1, 4, 4, 3]);
    expect(() => randomErasing(rgb, new Rng(0), { value: [1, 2] })).toThrow(
      /value needs 1 or 3 finite numbers/,
    );
    rgb.dispose();
    x.dispose();
    y.dispose();
  });
});
