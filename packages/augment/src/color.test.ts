import { describeEachBackend, expectClose } from '@convkit/backend/testing';
import { memory, type Tensor4D, tensor, tidy } from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { adjustBrightness, adjustContrast, adjustHue, adjustSaturation, rgbToGrayscale } from './color';
import { adjustSharpness } from './sharpness';
import { golden, values } from './test-helpers';
import { autoContrast, equalize, posterize, solarize } from './tone';

describeEachBackend('colour adjustments vs torchvision', () => {
  const g = golden();
  const rgb = () => tensor(g.rgb.x, g.rgb.shape) as Tensor4D;
  const gray = () => tensor(g.gray.x, g.gray.shape) as Tensor4D;

  const cases = [
    ['brightness', adjustBrightness, 2e-6],
    ['contrast', adjustContrast, 1e-5],
    ['saturation', adjustSaturation, 1e-5],
    ['hue', adjustHue, 3e-5],
    ['sharpness', adjustSharpness, 1e-5],
  ] as const;
  for (const [name, fn, tol] of cases) {
    it(`adjust ${name} matches torchvision with per-sample factors (RGB)`, async () => {
      const before = memory().numTensors;
      const x = rgb();
      const y = fn(x, g.rgb[name].factors);
      await expectClose(await values(y), g.rgb[name].y, { rtol: 0, atol: tol });
      x.dispose();
      y.dispose();
      expect(memory().numTensors).toBe(before);
    });
  }

  it('one number applies the same factor to every sample', async () => {
    const x = rgb();
    const one = adjustHue(x, 0.1);
    const each = adjustHue(x, [0.1, 0.1, 0.1, 0.1]);
    await expectClose(await values(one), await values(each), { rtol: 0, atol: 0 });
    for (const t of [x, one, each]) t.dispose();
  });

  for (const name of ['brightness', 'contrast'] as const) {
    it(`adjust ${name} on 1-channel images matches torchvision`, async () => {
      const x = gray();
      const fn = name === 'brightness' ? adjustBrightness : adjustContrast;
      const y = fn(x, g.gray[name].factors);
      await expectClose(await values(y), g.gray[name].y, { rtol: 0, atol: 1e-5 });
      x.dispose();
      y.dispose();
    });
  }

  it('grayscale, autocontrast and solarize match torchvision', async () => {
    const x = rgb();
    const l = rgbToGrayscale(x);
    expect(l.shape).toEqual([4, 8, 8, 1]);
    await expectClose(await values(l), g.rgb.grayscale, { rtol: 0, atol: 2e-7 });
    const l3 = rgbToGrayscale(x, 3);
    expect(l3.shape).toEqual([4, 8, 8, 3]);
    const ac = tidy(() =>
      autoContrast(
        tensor(
          g.rgb.x.map((v) => Math.fround(Math.fround(v * 0.5) + 0.2)),
          g.rgb.shape,
        ) as Tensor4D,
      ),
    );
    await expectClose(await values(ac), g.rgb.autocontrast, { rtol: 0, atol: 1e-5 });
    const so = solarize(x, 0.5);
    await expectClose(await values(so), g.rgb['solarize_0.5'], { rtol: 0, atol: 1e-7 }); // golden.json keeps 8 digits
    for (const t of [x, l, l3, ac, so]) t.dispose();
  });

  it('equalize matches torchvision on 8-bit images, including channels it leaves alone', async () => {
    const before = memory().numTensors;
    const x = tensor(g.equalize.x, g.equalize.shape) as Tensor4D;
    const y = equalize(x);
    expect(y.shape).toEqual(g.equalize.shape);
    // Exact 8-bit results: every output is k / 255.
    await expectClose(await values(y), g.equalize.y, { rtol: 0, atol: 1e-6 });
    x.dispose();
    y.dispose();
    expect(memory().numTensors).toBe(before);
  });

  it('posterize keeps the top bits of the 8-bit value', async () => {
    const x = tensor([0, 1 / 255, 100 / 255, 200 / 255, 1], [1, 1, 5, 1]) as Tensor4D;
    const y = posterize(x, 2);
    await expectClose(await values(y), [0, 0, 64 / 255, 192 / 255, 192 / 255], { rtol: 0, atol: 1e-7 });
    x.dispose();
    y.dispose();
  });

  it('hue and saturation on 1-channel images and bad factors throw clear errors', () => {
    const x = gray();
    expect(() => adjustHue(x, 0.1)).toThrow(/RGB only.*3 channel/);
    expect(() => adjustSaturation(x, 0.5)).toThrow(/3 channel/);
    const c = rgb();
    expect(() => adjustHue(c, 0.7)).toThrow(/\[-0.5, 0.5\]/);
    expect(() => adjustBrightness(c, -1)).toThrow(/>= 0/);
    expect(() => adjustContrast(c, [1, 2])).toThrow(/one factor per sample \(4\)/);
    expect(() => adjustBrightness(tensor([1, 2, 3]) as unknown as Tensor4D, 1)).toThrow(/rank-4 NHWC/);
    x.dispose();
    c.dispose();
  });
});
