import { Rng } from '@convkit/backend';
import { describeEachBackend } from '@convkit/backend/testing';
import { expect, it } from 'vitest';
import { cutout } from './cutout';
import { indexImages, values } from './test-helpers';

describeEachBackend('cutout', () => {
  it('zeroes a size×size square clipped at the borders, centred at the drawn pixel', async () => {
    const shape: [number, number, number, number] = [6, 9, 9, 1];
    const x = indexImages(shape);
    const y = cutout(x, new Rng(4), { size: 4, value: -5 });
    const src = await values(x);
    const out = await values(y);
    const r = new Rng(4);
    let k = 0;
    for (let b = 0; b < 6; b++) {
      r.uniform();
      const cy = r.int(0, 9);
      const cx = r.int(0, 9);
      for (let i = 0; i < 9; i++)
        for (let j = 0; j < 9; j++, k++) {
          const inside = i >= cy - 2 && i < cy + 2 && j >= cx - 2 && j < cx + 2;
          expect(out[k]).toBe(inside ? -5 : src[k]);
        }
    }
    expect(() => cutout(x, new Rng(0), { size: -1 })).toThrow(/size/);
    x.dispose();
    y.dispose();
  });
});
