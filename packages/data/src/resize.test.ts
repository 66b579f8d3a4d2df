import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { DecodedImage } from './decode';
import { convertChannels, resizeImage } from './resize';

interface Case {
  height: number;
  width: number;
  plain: number[];
  antialias: number[];
  pil?: number[];
}
/** fixtures/golden.json: PyTorch 1.13 F.interpolate and PIL 9.4 on one 13×17 RGB image (make_fixtures.py). */
const golden = JSON.parse(readFileSync(new URL('../fixtures/golden.json', import.meta.url), 'utf8')) as {
  image: { height: number; width: number; data: number[] };
  resize: Case[];
  cover: Case[];
  luma: number[];
};
const image: DecodedImage = {
  data: Uint8Array.from(golden.image.data),
  height: golden.image.height,
  width: golden.image.width,
  channels: 3,
};

/** Largest |a − b|. */
function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('resizeImage', () => {
  for (const fit of ['fill', 'cover'] as const) {
    for (const c of fit === 'fill' ? golden.resize : golden.cover) {
      const label = `${fit} 13×17 → ${c.height}×${c.width}`;
      it(`${label}: PyTorch's bilinear, plain and antialiased, up to the final rounding`, () => {
        for (const antialias of [false, true]) {
          const out = resizeImage(image, { size: [c.height, c.width], fit, antialias });
          expect([out.height, out.width, out.channels]).toEqual([c.height, c.width, 3]);
          // Rounding to the nearest integer moves a value by at most 0.5.
          expect(
            maxDiff(out.data, antialias ? c.antialias : c.plain),
            `antialias ${antialias}`,
          ).toBeLessThanOrEqual(0.5 + 1e-4);
        }
      });
      if (c.pil) {
        it(`${label}: within 1 of PIL's resize(BILINEAR) (torchvision's path for PIL images)`, () => {
          const out = resizeImage(image, { size: [c.height, c.width], fit });
          expect(maxDiff(out.data, c.pil as number[])).toBeLessThanOrEqual(1);
        });
      }
    }
  }

  it('differs from PIL without antialias when shrinking (why it is the default)', () => {
    const c = golden.resize.find((r) => r.height === 3) as Case;
    const plain = resizeImage(image, { size: [3, 4], antialias: false });
    expect(maxDiff(plain.data, c.pil as number[])).toBeGreaterThan(10);
  });

  it('keeps an image of the target size as is (a copy) and takes one number as a square', () => {
    const same = resizeImage(image, { size: [13, 17] });
    expect(same.data).toEqual(image.data);
    expect(same.data).not.toBe(image.data);
    const sq = resizeImage(image, { size: 4 });
    expect([sq.height, sq.width]).toEqual([4, 4]);
  });

  it('rejects a bad size or fit, naming the function', () => {
    expect(() => resizeImage(image, { size: 0 })).toThrow(/resizeImage: size must be a positive integer/);
    expect(() => resizeImage(image, { size: [2.5, 3] })).toThrow(/got \[2.5,3\]/);
    expect(() => resizeImage(image, { size: 4, fit: 'contain' as 'fill' })).toThrow(
      /fit must be 'fill' or 'cover', got 'contain'/,
    );
  });
});

describe('convertChannels', () => {
  it("gives PIL's convert('L') luma exactly", () => {
    expect(Array.from(convertChannels(image, 1).data)).toEqual(golden.luma);
  });

  it('repeats gray, drops alpha to RGB (as PIL) and adds an opaque alpha', () => {
    const gray: DecodedImage = { data: Uint8Array.from([10, 200]), height: 1, width: 2, channels: 1 };
    expect(Array.from(convertChannels(gray, 3).data)).toEqual([10, 10, 10, 200, 200, 200]);
    expect(Array.from(convertChannels(gray, 4).data)).toEqual([10, 10, 10, 255, 200, 200, 200, 255]);
    const la: DecodedImage = { data: Uint8Array.from([10, 7, 200, 0]), height: 1, width: 2, channels: 2 };
    expect(Array.from(convertChannels(la, 1).data)).toEqual([10, 200]);
    expect(Array.from(convertChannels(la, 4).data)).toEqual([10, 10, 10, 7, 200, 200, 200, 0]);
    const rgba: DecodedImage = { data: Uint8Array.from([255, 0, 0, 9]), height: 1, width: 1, channels: 4 };
    expect(Array.from(convertChannels(rgba, 3).data)).toEqual([255, 0, 0]);
    // 0.299·255 = 76.2 → 76, alpha ignored.
    expect(Array.from(convertChannels(rgba, 1).data)).toEqual([76]);
    expect(convertChannels(rgba, 4)).toBe(rgba);
    expect(() => convertChannels(rgba, 2 as 1)).toThrow(/channels must be 1, 3 or 4, got 2/);
  });
});
