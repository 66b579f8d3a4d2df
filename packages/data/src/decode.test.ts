import { readFileSync } from 'node:fs';
import { encode as encodePng } from 'fast-png';
import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { decodeImage, sniffImage } from './decode';

interface GoldenFile {
  base64: string;
  mode: string;
  height: number;
  width: number;
  channels: number;
  pixels: number[];
}
/** fixtures/golden.json: files written by PIL 9.4 with the pixels PIL decodes (make_fixtures.py). */
const files = (
  JSON.parse(readFileSync(new URL('../fixtures/golden.json', import.meta.url), 'utf8')) as {
    files: Record<string, GoldenFile>;
  }
).files;
const bytesOf = (f: GoldenFile) => Uint8Array.from(Buffer.from(f.base64, 'base64'));

/** Largest and mean |a − b|. */
function diffs(a: ArrayLike<number>, b: ArrayLike<number>): { max: number; mean: number } {
  expect(a.length).toBe(b.length);
  let max = 0;
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    max = Math.max(max, d);
    sum += d;
  }
  return { max, mean: sum / a.length };
}

describe('decodeImage: PNG', () => {
  for (const name of ['png-palette', 'png-la', 'png-1bit', 'png-16bit']) {
    it(`${name}: the pixels PIL decodes, exactly`, async () => {
      const f = files[name];
      const img = await decodeImage(bytesOf(f), `${name}.png`);
      expect([img.height, img.width, img.channels]).toEqual([f.height, f.width, f.channels]);
      expect(Array.from(img.data)).toEqual(f.pixels);
    });
  }

  it('keeps gray, RGB and RGBA, 2-bit gray scaled to 0–255, interlaced or not', async () => {
    const rgba = Uint8Array.from({ length: 3 * 2 * 4 }, (_, i) => (i * 37) % 256);
    for (const interlace of ['null', 'Adam7'] as const) {
      const img = await decodeImage(
        encodePng({ width: 3, height: 2, data: rgba, channels: 4 }, { interlace }),
      );
      expect(img.channels).toBe(4);
      expect(Array.from(img.data)).toEqual(Array.from(rgba));
    }
    const rgb = await decodeImage(
      encodePng({ width: 2, height: 1, data: Uint8Array.from([1, 2, 3, 4, 5, 6]), channels: 3 }),
    );
    expect([rgb.channels, ...rgb.data]).toEqual([3, 1, 2, 3, 4, 5, 6]);
    // 2-bit gray, 5 pixels per row: values 0, 1, 2, 3, 1 → 0, 85, 170, 255, 85; rows padded to a byte.
    const packed = Uint8Array.from([0b00011011, 0b01000000, 0b11100100, 0b00000000]);
    const g2 = await decodeImage(encodePng({ width: 5, height: 2, data: packed, channels: 1, depth: 2 }));
    expect([g2.channels, ...g2.data]).toEqual([1, 0, 85, 170, 255, 85, 255, 170, 85, 0, 0]);
  });
});

describe('decodeImage: JPEG', () => {
  // jpeg-js and libjpeg-turbo (PIL) differ: jpeg-js repeats each chroma sample of a 4:2:0 file where
  // libjpeg interpolates ("fancy upsampling"), and their inverse DCTs round differently. Measured on
  // these noisy 24×32 files: 4:2:0 and progressive max 8, mean 2.2 levels; 4:4:4 max 3, mean 0.5;
  // gray max 1, mean 0.09.
  for (const [name, maxLimit, meanLimit] of [
    ['jpeg-420', 8, 2.5],
    ['jpeg-444', 3, 0.6],
    ['jpeg-progressive', 8, 2.5],
    ['jpeg-gray', 1, 0.1],
  ] as const) {
    it(`${name}: within ${maxLimit} (mean ${meanLimit}) of what PIL decodes`, async () => {
      const f = files[name];
      const img = await decodeImage(bytesOf(f), `${name}.jpg`);
      expect([img.height, img.width, img.channels]).toEqual([f.height, f.width, 3]);
      // A gray JPEG comes back as RGB with three equal channels; PIL's is one channel.
      const ours = f.channels === 1 ? img.data.filter((_, i) => i % 3 === 0) : img.data;
      if (f.channels === 1) expect(img.data.every((v, i) => v === img.data[i - (i % 3)])).toBe(true);
      const { max, mean } = diffs(ours, f.pixels);
      expect(max).toBeLessThanOrEqual(maxLimit);
      expect(mean).toBeLessThanOrEqual(meanLimit);
    });
  }

  it('round-trips a file jpeg-js wrote, as RGB', async () => {
    const data = new Uint8Array(8 * 8 * 4).fill(128);
    const img = await decodeImage(jpeg.encode({ width: 8, height: 8, data }, 95).data);
    expect([img.height, img.width, img.channels]).toEqual([8, 8, 3]);
    expect(Math.max(...img.data.map((v) => Math.abs(v - 128)))).toBeLessThanOrEqual(1);
  });
});

describe('decodeImage: bad files', () => {
  it('names the file and what it is when it is not PNG or JPEG', async () => {
    const riff = new TextEncoder().encode('RIFF\0\0\0\0WEBPVP8 ');
    await expect(decodeImage(riff, 'cat.webp')).rejects.toThrow(
      'decodeImage: cat.webp: not a PNG or JPEG file: it is a WebP file',
    );
    await expect(decodeImage(new TextEncoder().encode('GIF89a...'), 'a.png')).rejects.toThrow(
      /a\.png: not a PNG or JPEG file: it is a GIF file/,
    );
    await expect(decodeImage(new Uint8Array(0), 'empty.jpg')).rejects.toThrow(/empty\.jpg: .*an empty file/);
    await expect(decodeImage(Uint8Array.from([1, 2, 3, 4, 5]), 'x.jpg')).rejects.toThrow(
      /x\.jpg: not a PNG or JPEG file: it is of unknown format \(first bytes 01 02 03 04\)/,
    );
    expect(sniffImage(Uint8Array.from([0x1f, 0x8b, 8, 0]))).toEqual({ other: 'a gzip file' });
  });

  it('names a truncated or corrupt PNG', async () => {
    const png = encodePng({ width: 16, height: 16, data: new Uint8Array(16 * 16 * 3).fill(9), channels: 3 });
    await expect(decodeImage(png.subarray(0, png.length - 30), 'cut.png')).rejects.toThrow(
      /decodeImage: cut\.png: corrupt or truncated PNG \(/,
    );
    const flipped = png.slice();
    flipped[40] ^= 0xff; // inside IDAT: the CRC no longer matches
    await expect(decodeImage(flipped, 'flip.png')).rejects.toThrow(/flip\.png: corrupt or truncated PNG/);
  });

  it('names a truncated JPEG', async () => {
    const jpg = bytesOf(files['jpeg-420']);
    for (const cut of [jpg.length - 2, Math.floor(jpg.length / 2), 20]) {
      await expect(decodeImage(jpg.subarray(0, cut), 'cut.jpg')).rejects.toThrow(
        /decodeImage: cut\.jpg: corrupt or truncated JPEG \(/,
      );
    }
  });

  it('refuses an image over the pixel limit before decoding it', async () => {
    // A PNG header claiming 20000×20000 pixels, and nothing else.
    const png = encodePng({ width: 1, height: 1, data: new Uint8Array(3), channels: 3 });
    const huge = png.slice();
    new DataView(huge.buffer).setUint32(16, 20000, false);
    new DataView(huge.buffer).setUint32(20, 20000, false);
    await expect(decodeImage(huge, 'huge.png')).rejects.toThrow(
      /huge\.png: image is 20000×20000 pixels, over the 100 megapixel limit/,
    );
  });
});
