import { inflateSync } from 'node:zlib';
import { expect, it } from 'vitest';
import { crc32, encodePng, stack, tile } from './png';

it('crc32 matches the standard check value', () => {
  expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
});

it('encodePng writes a valid signature, IHDR, IDAT that inflates to the filtered rows, and IEND', () => {
  const px = Uint8Array.from([0, 255, 10, 20, 30, 40]); // 3×2 gray
  const png = encodePng(px, 3, 2, 1);
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(png.toString('ascii', 12, 16)).toBe('IHDR');
  expect(png.readUInt32BE(16)).toBe(3);
  expect(png.readUInt32BE(20)).toBe(2);
  expect(png.readUInt32BE(29)).toBe(crc32(png.subarray(12, 29)));
  const idatLen = png.readUInt32BE(33);
  expect(png.toString('ascii', 37, 41)).toBe('IDAT');
  expect([...inflateSync(png.subarray(41, 41 + idatLen))]).toEqual([0, 0, 255, 10, 0, 20, 30, 40]);
  expect(png.toString('ascii', png.length - 8, png.length - 4)).toBe('IEND');
  expect(() => encodePng(px, 2, 2, 1)).toThrow(/6 bytes for 2×2×1/);
});

it('tile places zoomed images on a gapped grid; stack puts grids on top of each other', () => {
  const g = tile([0, 1, 1, 0.5], 2, [1, 2, 1], { cols: 2, zoom: 1, gap: 1, background: 0 });
  expect(g.width).toBe(7);
  expect(g.height).toBe(3);
  expect([...g.pixels.subarray(7, 14)]).toEqual([0, 0, 255, 0, 255, 128, 0]);
  const s = stack([g, g], 1, 2);
  expect(s.height).toBe(8);
  expect(s.pixels[3 * 7 + 2]).toBe(255);
});
