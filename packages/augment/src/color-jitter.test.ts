import { Rng } from '@convkit/backend';
import { describeEachBackend, expectClose } from '@convkit/backend/testing';
import { memory, type Tensor4D } from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { adjustBrightness, adjustContrast, adjustHue, adjustSaturation, rgbToGrayscale } from './color';
import { colorJitter } from './color-jitter';
import { randomGrayscale } from './grayscale';
import { randomImages, values } from './test-helpers';

describeEachBackend('colorJitter and randomGrayscale', () => {
  it('applies the torchvision adjustments in the drawn order with per-sample factors', async () => {
    const before = memory().numTensors;
    const x = randomImages([5, 6, 6, 3], 3);
    const opts = { brightness: 0.4, contrast: [0.5, 1.5] as [number, number], saturation: 0.3, hue: 0.2 };
    const y = colorJitter(x, new Rng(17), opts);
    const r = new Rng(17);
    const order = Array.from(r.permutation(4));
    const draw = (lo: number, hi: number) => Array.from({ length: 5 }, () => Math.fround(r.uniform(lo, hi)));
    const factors = [draw(0.6, 1.4), draw(0.5, 1.5), draw(0.7, 1.3), draw(-0.2, 0.2)];
    const fns = [adjustBrightness, adjustContrast, adjustSaturation, adjustHue];
    let z: Tensor4D = x;
    for (const k of order) {
      const next = fns[k](z, factors[k]);
      if (z !== x) z.dispose();
      z = next;
    }
    await expectClose(await values(y), await values(z), { rtol: 0, atol: 1e-6 });
    for (const t of [x, y, z]) t.dispose();
    expect(memory().numTensors).toBe(before);
  });

  it('brightness/contrast work on 1-channel images; saturation/hue there throw', async () => {
    const g = randomImages([3, 4, 4, 1], 1);
    const y = colorJitter(g, new Rng(1), { brightness: 0.5, contrast: 0.5 });
    expect(y.shape).toEqual([3, 4, 4, 1]);
    const v = await values(y);
    expect(v.every((a) => a >= 0 && a <= 1)).toBe(true);
    expect(() => colorJitter(g, new Rng(1), { hue: 0.1 })).toThrow(
      /saturation and hue need 3 channels \(RGB\), got 1/,
    );
    expect(() => colorJitter(g, new Rng(1), { saturation: 0.1 })).toThrow(/need 3 channels/);
    expect(() => colorJitter(g, new Rng(1), { hue: 0.7 })).toThrow(/hue range must lie in \[-0.5,0.5\]/);
    expect(() => colorJitter(g, new Rng(1), { brightness: -1 })).toThrow(/brightness/);
    const same = colorJitter(g, new Rng(1));
    expect(await values(same)).toEqual(await values(g));
    for (const t of [g, y, same]) t.dispose();
  });

  it('randomGrayscale converts exactly the selected samples and keeps 3 channels', async () => {
    const x = randomImages([6, 3, 3, 3], 2);
    const y = randomGrayscale(x, new Rng(4), { p: 0.5 });
    const r = new Rng(4);
    const mask = Array.from({ length: 6 }, () => r.uniform() < 0.5);
    const gray = rgbToGrayscale(x, 3);
    const [src, gv, out] = [await values(x), await values(gray), await values(y)];
    for (let b = 0; b < 6; b++) {
      const sl = (a: number[]) => a.slice(b * 27, b * 27 + 27);
      expect(sl(out)).toEqual(mask[b] ? sl(gv) : sl(src));
    }
    expect(() => randomGrayscale(randomImages([1, 2, 2, 1]), new Rng(0))).toThrow(/needs 3 channel/);
    for (const t of [x, y, gray]) t.dispose();
  });
});
