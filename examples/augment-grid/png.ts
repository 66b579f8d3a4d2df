import { deflateSync } from 'node:zlib';

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (ISO 3309, as PNG uses) of `bytes`. */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/**
 * Encodes 8-bit pixels as a PNG: `channels` 1 (gray) or 3 (RGB), row-major, `height·width·channels`
 * bytes. Every scanline uses filter 0 (none); zlib does the compression.
 *
 * @example
 * writeFileSync('a.png', encodePng(pixels, 28, 28, 1));
 */
export function encodePng(pixels: Uint8Array, width: number, height: number, channels: 1 | 3): Buffer {
  if (pixels.length !== width * height * channels) {
    throw new Error(`encodePng: ${pixels.length} bytes for ${width}×${height}×${channels}`);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = channels === 1 ? 0 : 2; // colour type: gray or RGB
  ihdr[10] = 0; // deflate
  ihdr[11] = 0; // adaptive filtering
  ihdr[12] = 0; // no interlace
  const stride = width * channels;
  const raw = new Uint8Array(height * (stride + 1));
  for (let y = 0; y < height; y++)
    raw.set(pixels.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  const signature = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([
    signature,
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

/**
 * Tiles `count` images (float values in [0, 1], NHWC, `h·w·c` each) into a grid of `cols` columns,
 * each pixel scaled `zoom`×, with a `gap`-pixel border of value `background`.
 * Returns 8-bit pixels and the grid size.
 */
export function tile(
  images: ArrayLike<number>,
  count: number,
  [h, w, c]: [number, number, number],
  {
    cols,
    zoom = 1,
    gap = 1,
    background = 0.5,
  }: { cols: number; zoom?: number; gap?: number; background?: number },
): { pixels: Uint8Array; width: number; height: number } {
  const rows = Math.ceil(count / cols);
  const width = cols * (w * zoom + gap) + gap;
  const height = rows * (h * zoom + gap) + gap;
  const pixels = new Uint8Array(width * height * c).fill(Math.round(background * 255));
  for (let n = 0; n < count; n++) {
    const y0 = gap + Math.floor(n / cols) * (h * zoom + gap);
    const x0 = gap + (n % cols) * (w * zoom + gap);
    for (let i = 0; i < h * zoom; i++) {
      for (let j = 0; j < w * zoom; j++) {
        for (let k = 0; k < c; k++) {
          const v = images[((n * h + Math.floor(i / zoom)) * w + Math.floor(j / zoom)) * c + k];
          pixels[((y0 + i) * width + x0 + j) * c + k] = Math.round(255 * Math.min(1, Math.max(0, v)));
        }
      }
    }
  }
  return { pixels, width, height };
}

/** Stacks grids of equal width and channel count top to bottom, `gap` rows of `background` between. */
export function stack(
  grids: { pixels: Uint8Array; width: number; height: number }[],
  channels: number,
  gap = 4,
  background = 1,
): { pixels: Uint8Array; width: number; height: number } {
  const width = grids[0].width;
  if (grids.some((g) => g.width !== width)) throw new Error('stack: grids must have the same width');
  const height = grids.reduce((s, g) => s + g.height, 0) + gap * (grids.length - 1);
  const pixels = new Uint8Array(width * height * channels).fill(Math.round(background * 255));
  let y = 0;
  for (const g of grids) {
    pixels.set(g.pixels, y * width * channels);
    y += g.height + gap;
  }
  return { pixels, width, height };
}
