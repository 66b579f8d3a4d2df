import { Rng } from '@convkit/backend';
import { describeEachBackend, expectClose } from '@convkit/backend/testing';
import { memory } from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { adjustBrightness } from './color';
import { RAND_AUGMENT_OPS, randAugment } from './rand-augment';
import { randomImages, values } from './test-helpers';

const byName = (n: string) => {
  const op = RAND_AUGMENT_OPS.find((o) => o.name === n);
  if (op === undefined) throw new Error(n);
  return op;
};

describeEachBackend('randAugment', () => {
  it('per-sample op choice: each sample is either untouched or solarized, as drawn', async () => {
    const x = randomImages([8, 4, 4, 3], 5);
    const ops = [byName('identity'), byName('solarize')];
    const y = randAugment(x, new Rng(3), { n: 1, m: 15, ops });
    const r = new Rng(3);
    const choice = Array.from({ length: 8 }, () => r.int(0, 2));
    expect(new Set(choice).size).toBe(2);
    const [src, out] = [await values(x), await values(y)];
    for (let b = 0; b < 8; b++) {
      for (let k = b * 48; k < b * 48 + 48; k++) {
        const v = src[k];
        expect(out[k]).toBeCloseTo(choice[b] === 1 && v >= 0.5 ? 1 - v : v, 6);
      }
    }
    x.dispose();
    y.dispose();
  });

  it('signed magnitudes: brightness factor 1 ± 0.9·M/30 with the drawn sign', async () => {
    const x = randomImages([6, 3, 3, 1], 6);
    const y = randAugment(x, new Rng(8), { n: 1, m: 30, ops: [byName('brightness')] });
    const r = new Rng(8);
    for (let b = 0; b < 6; b++) r.int(0, 1);
    const f = Array.from({ length: 6 }, () => (r.uniform() < 0.5 ? 1 - 0.9 : 1 + 0.9));
    const z = adjustBrightness(x, f);
    await expectClose(await values(y), await values(z), { rtol: 0, atol: 1e-6 });
    for (const t of [x, y, z]) t.dispose();
  });

  it('runs the full pool on RGB and grayscale, stays in [0, 1] and leaks nothing', async () => {
    for (const c of [3, 1]) {
      const x = randomImages([8, 6, 6, c], 9);
      const before = memory().numTensors;
      const y = randAugment(x, new Rng(1), { n: 2, m: 12 });
      expect(y.shape).toEqual([8, 6, 6, c]);
      const v = await values(y);
      expect(v.every((a) => a >= 0 && a <= 1 + 1e-6)).toBe(true);
      y.dispose();
      expect(memory().numTensors).toBe(before);
      x.dispose();
    }
    const g = randomImages([2, 4, 4, 1]);
    expect(() => randAugment(g, new Rng(0), { ops: [byName('color')] })).toThrow(
      /no transformation.*1 channel/,
    );
    expect(() => randAugment(g, new Rng(0), { m: 31 })).toThrow(/m must be in \[0, 30\]/);
    const same = randAugment(g, new Rng(0), { n: 0 });
    expect(await values(same)).toEqual(await values(g));
    g.dispose();
    same.dispose();
  });
});
