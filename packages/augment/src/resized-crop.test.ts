import { Rng } from '@convkit/backend';
import { describeEachBackend, expectClose } from '@convkit/backend/testing';
import { memory, type Tensor4D, tensor } from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { randomResizedCrop, resizedCrop, sampleResizedCropBox } from './resized-crop';
import { golden, indexImages, values } from './test-helpers';

describeEachBackend('resized crop', () => {
  const g = golden();
  const boxes = g.resized_crop.boxes.map(([top, left, height, width]) => ({ top, left, height, width }));

  for (const size of [
    [6, 5],
    [12, 10],
  ] as const) {
    it(`matches torchvision resized_crop (bilinear, antialias off) at ${size[0]}×${size[1]}`, async () => {
      const before = memory().numTensors;
      const x = tensor(g.rotate.x, g.rotate.shape) as Tensor4D;
      const y = resizedCrop(x, boxes, [size[0], size[1]]);
      expect(y.shape).toEqual([4, size[0], size[1], 3]);
      await expectClose(await values(y), g.resized_crop[`${size[0]}x${size[1]}` as '6x5' | '12x10'], {
        rtol: 0,
        atol: 2e-6,
      });
      x.dispose();
      y.dispose();
      expect(memory().numTensors).toBe(before);
    });
  }

  it('scale [1, 1] and ratio [1, 1] on a square image is the identity', async () => {
    const x = indexImages([3, 5, 5, 2]);
    const y = randomResizedCrop(x, new Rng(2), { scale: [1, 1], ratio: [1, 1] });
    expect(await values(y)).toEqual(await values(x));
    x.dispose();
    y.dispose();
  });

  it('uses the boxes drawn by sampleResizedCropBox, inside the image and in the scale range', async () => {
    const x = indexImages([8, 16, 12, 1]);
    const y = randomResizedCrop(x, new Rng(9), { size: 8, scale: [0.25, 0.5] });
    const r = new Rng(9);
    const drawn = Array.from({ length: 8 }, () =>
      sampleResizedCropBox(r, 16, 12, [0.25, 0.5], [3 / 4, 4 / 3]),
    );
    for (const b of drawn) {
      expect(b.top + b.height).toBeLessThanOrEqual(16);
      expect(b.left + b.width).toBeLessThanOrEqual(12);
      expect((b.height * b.width) / 192).toBeGreaterThan(0.2);
      expect((b.height * b.width) / 192).toBeLessThan(0.56);
    }
    const direct = resizedCrop(x, drawn, 8);
    expect(await values(y)).toEqual(await values(direct));
    for (const t of [x, y, direct]) t.dispose();
  });

  it('rejects boxes outside the image and bad ranges', () => {
    const x = indexImages([1, 4, 4, 1]);
    expect(() => resizedCrop(x, [{ top: 2, left: 0, height: 3, width: 2 }], 2)).toThrow(
      /not an integer window inside 4×4/,
    );
    expect(() => randomResizedCrop(x, new Rng(0), { scale: [0.9, 0.1] })).toThrow(/scale must be \[lo, hi\]/);
    expect(() => randomResizedCrop(x, new Rng(0), { size: 0 })).toThrow(/size\[0\]/);
    x.dispose();
  });
});
