import { Rng } from '@convkit/backend';
import { describeEachBackend } from '@convkit/backend/testing';
import { expect, it } from 'vitest';
import { roundHalfEven } from './size';
import { at, indexImages, values } from './test-helpers';
import { randomTranslate } from './translate';

describeEachBackend('randomTranslate', () => {
  const shape: [number, number, number, number] = [6, 8, 10, 1];

  it('shifts each sample by its drawn whole-pixel offset and fills the rest', async () => {
    const x = indexImages(shape);
    const y = randomTranslate(x, new Rng(5), { maxFraction: [0.25, 0.3], fill: -1 });
    const r = new Rng(5);
    const src = await values(x);
    const out = await values(y);
    let k = 0;
    let moved = 0;
    for (let b = 0; b < 6; b++) {
      const dy = roundHalfEven(r.uniform(-2, 2));
      const dx = roundHalfEven(r.uniform(-3, 3));
      if (dy !== 0 || dx !== 0) moved++;
      for (let i = 0; i < 8; i++)
        for (let j = 0; j < 10; j++) {
          const si = i - dy;
          const sj = j - dx;
          const inside = si >= 0 && si < 8 && sj >= 0 && sj < 10;
          expect(out[k++]).toBe(inside ? at(src, shape, b, si, sj, 0) : -1);
        }
    }
    expect(moved).toBeGreaterThan(0);
    x.dispose();
    y.dispose();
  });

  it('maxFraction 0 is the identity; bad fractions throw', async () => {
    const x = indexImages(shape);
    const y = randomTranslate(x, new Rng(1), { maxFraction: 0 });
    expect(await values(y)).toEqual(await values(x));
    expect(() => randomTranslate(x, new Rng(1), { maxFraction: 1.5 })).toThrow(
      /maxFraction must be in \[0, 1\]/,
    );
    expect(() => randomTranslate(x, new Rng(1), { maxFraction: -0.1 })).toThrow(/maxFraction/);
    x.dispose();
    y.dispose();
  });
});
