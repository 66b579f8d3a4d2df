/** An 8-bit image in HWC order: `data[(y·width + x)·channels + c]`. */
export interface DecodedImage {
  /** `height·width·channels` bytes, row-major, channels interleaved. */
  data: Uint8Array;
  height: number;
  width: number;
  /** 1 gray, 2 gray + alpha, 3 RGB, 4 RGBA. */
  channels: 1 | 2 | 3 | 4;
}

/** Images larger than this are refused before decoding (jpeg-js's own default limit, applied to PNG too). */
export const MAX_IMAGE_PIXELS = 100_000_000;

type Codecs = {
  png: typeof import('fast-png');
  jpeg: typeof import('jpeg-js');
};
let codecs: Promise<Codecs> | undefined;

/**
 * The decoders, imported on first use: fast-png ships only ESM, which the CJS build can reach through
 * `import()` but not `require`; and code that only batches never loads them.
 */
function loadCodecs(): Promise<Codecs> {
  codecs ??= Promise.all([import('fast-png'), import('jpeg-js')]).then(([png, jpeg]) => ({
    png,
    // jpeg-js is CommonJS: its exports arrive as `default` under Node's ESM loader and most bundlers.
    jpeg: (jpeg as { default?: Codecs['jpeg'] }).default ?? jpeg,
  }));
  return codecs;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** The format of an encoded image from its first bytes: `'png'`, `'jpeg'`, or a description of what else it is. */
export function sniffImage(bytes: Uint8Array): 'png' | 'jpeg' | { other: string } {
  const starts = (sig: number[], at = 0) => sig.every((b, i) => bytes[at + i] === b);
  const ascii = (from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));
  if (starts(PNG_SIGNATURE)) return 'png';
  if (starts([0xff, 0xd8, 0xff])) return 'jpeg';
  if (bytes.length === 0) return { other: 'an empty file' };
  if (ascii(0, 4) === 'GIF8') return { other: 'a GIF file' };
  if (ascii(0, 2) === 'BM') return { other: 'a BMP file' };
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return { other: 'a WebP file' };
  if (starts([0x49, 0x49, 0x2a, 0x00]) || starts([0x4d, 0x4d, 0x00, 0x2a])) return { other: 'a TIFF file' };
  if (ascii(4, 8) === 'ftyp') return { other: `an ISO media file (${ascii(8, 12).trim()}: HEIC or AVIF?)` };
  if (starts([0x1f, 0x8b])) return { other: 'a gzip file' };
  const head = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
  return { other: `of unknown format (first bytes ${head})` };
}

/**
 * Decodes a PNG or JPEG file to 8-bit pixels, keeping its channels (gray, gray + alpha, RGB or RGBA).
 *
 * The format is found from the bytes, not the file name. PNG (via fast-png): every color type and
 * bit depth, interlaced or not; palette images are expanded to RGB(A); 1/2/4-bit gray is scaled to
 * 0–255; 16-bit samples are rounded to 8 bits (v/257). JPEG (via jpeg-js): baseline and progressive,
 * gray, YCbCr and CMYK, always returned as RGB. EXIF orientation is not applied (as PIL's
 * `Image.open`, which torchvision uses). Works in Node and browsers (pure JavaScript).
 *
 * @param bytes the whole encoded file.
 * @param name what to call it in error messages (a path). Default `'image'`.
 * @throws an error naming `name` and why: not PNG or JPEG (and what it looks like), truncated or corrupt.
 * @example
 * const img = await decodeImage(readFileSync('cat.jpg'), 'cat.jpg'); // { data, height, width, channels: 3 }
 */
export async function decodeImage(bytes: Uint8Array, name = 'image'): Promise<DecodedImage> {
  try {
    return decodeWith(await loadCodecs(), bytes);
  } catch (cause) {
    throw new Error(`decodeImage: ${name}: ${(cause as Error).message}`, { cause });
  }
}

/** {@link decodeImage} whose errors give the bare reason (the caller adds the file name). */
export async function decodeImageBytes(bytes: Uint8Array): Promise<DecodedImage> {
  return decodeWith(await loadCodecs(), bytes);
}

function decodeWith(lib: Codecs, bytes: Uint8Array): DecodedImage {
  const format = sniffImage(bytes);
  if (typeof format === 'object') throw new Error(`not a PNG or JPEG file: it is ${format.other}`);
  if (format === 'png') return decodePng(lib.png, bytes);
  return decodeJpeg(lib.jpeg, bytes);
}

function decodePng(png: Codecs['png'], bytes: Uint8Array): DecodedImage {
  // IHDR width and height, checked before the decoder allocates anything.
  if (bytes.length >= 24) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    checkPixels(view.getUint32(16, false), view.getUint32(20, false));
  }
  let decoded: ReturnType<Codecs['png']['decode']>;
  try {
    decoded = png.decode(bytes, { checkCrc: true });
  } catch (cause) {
    throw new Error(`corrupt or truncated PNG (${(cause as Error).message})`, { cause });
  }
  const { width, height, depth } = decoded;
  const pixels = width * height;
  if (decoded.palette) {
    const rgb = png.convertIndexedToRgb(decoded);
    const channels = rgb.length / pixels;
    if (channels !== 3 && channels !== 4) throw new Error(`bad palette (${channels} values per color)`);
    return { data: rgb, width, height, channels };
  }
  const channels = decoded.channels as 1 | 2 | 3 | 4;
  const data = new Uint8Array(pixels * channels);
  const src = decoded.data;
  if (src.length < data.length && depth >= 8) throw new Error('truncated PNG image data');
  if (depth === 8) {
    data.set(src.subarray(0, data.length));
  } else if (depth === 16) {
    // Round to the nearest 8-bit value: v·255/65535 = v/257.
    for (let i = 0; i < data.length; i++) data[i] = Math.round(src[i] / 257);
  } else {
    // 1-, 2- or 4-bit gray, packed from the high bit, each row starting on a byte boundary.
    const perByte = 8 / depth;
    const rowBytes = Math.ceil(width / perByte);
    const max = (1 << depth) - 1;
    const scale = 255 / max;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const byte = src[y * rowBytes + Math.floor(x / perByte)];
        const shift = 8 - depth * ((x % perByte) + 1);
        data[y * width + x] = ((byte >> shift) & max) * scale;
      }
    }
  }
  return { data, width, height, channels };
}

function decodeJpeg(jpeg: Codecs['jpeg'], bytes: Uint8Array): DecodedImage {
  let decoded: { width: number; height: number; data: Uint8Array };
  try {
    decoded = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: false,
      maxResolutionInMP: MAX_IMAGE_PIXELS / 1e6,
    });
  } catch (cause) {
    throw new Error(`corrupt or truncated JPEG (${(cause as Error).message})`, { cause });
  }
  const { width, height, data } = decoded;
  checkPixels(width, height);
  return { data, width, height, channels: 3 };
}

function checkPixels(width: number, height: number): void {
  if (!(width > 0 && height > 0)) throw new Error(`image has no pixels (${width}×${height})`);
  if (width * height > MAX_IMAGE_PIXELS) {
    throw new Error(
      `image is ${width}×${height} pixels, over the ${MAX_IMAGE_PIXELS / 1e6} megapixel limit; shrink it first`,
    );
  }
}
