/** A parsed IDX array: unsigned bytes in row-major order with their dimensions. */
export interface IdxArray {
  /** The IDX type code; only 0x08 (unsigned byte) is supported. */
  dtype: 0x08;
  /** Dimension sizes, outermost first, e.g. [60000, 28, 28] for MNIST images. */
  dims: number[];
  /** The values, `dims.reduce(*)` bytes (a view into the input buffer, not a copy). */
  data: Uint8Array;
}

const DTYPE_NAMES: Record<number, string> = {
  8: 'unsigned byte',
  9: 'signed byte',
  11: 'int16',
  12: 'int32',
  13: 'float32',
  14: 'float64',
};

/**
 * Parses an IDX file (the format of the MNIST distribution).
 *
 * Layout: bytes 0–1 are zero, byte 2 the type code (0x08 = unsigned byte), byte 3 the number of
 * dimensions d, then d big-endian uint32 sizes, then the values in row-major order. The data
 * length must match the sizes exactly: a truncated or padded file is an error, not a silent
 * partial read.
 *
 * @param buffer the whole file.
 * @param name what to call the file in error messages (a path). Default `'IDX buffer'`.
 * @example
 * const { dims, data } = readIdx(readFileSync(path), path); // dims = [10000, 28, 28]
 */
export function readIdx(buffer: Uint8Array, name = 'IDX buffer'): IdxArray {
  const fail = (what: string): never => {
    throw new Error(`readIdx(${name}): ${what}`);
  };
  if (buffer.length < 4) fail(`file is ${buffer.length} bytes, shorter than the 4-byte IDX magic number`);
  if (buffer[0] !== 0 || buffer[1] !== 0) {
    const head = Array.from(buffer.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    fail(
      `bad magic number (first bytes ${head}, expected 00 00 <type> <ndim>): not an IDX file, or gzipped?`,
    );
  }
  const dtype = buffer[2];
  if (dtype !== 0x08) {
    const known = DTYPE_NAMES[dtype];
    fail(
      known
        ? `type ${known} (0x${dtype.toString(16)}) is not supported; only unsigned byte (0x08) is`
        : `unknown type code 0x${dtype.toString(16).padStart(2, '0')}`,
    );
  }
  const ndim = buffer[3];
  if (ndim === 0) fail('zero dimensions');
  const headerBytes = 4 + 4 * ndim;
  if (buffer.length < headerBytes) {
    fail(`header truncated: ${ndim} dimensions need ${headerBytes} header bytes, file has ${buffer.length}`);
  }
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const dims: number[] = [];
  let size = 1;
  for (let i = 0; i < ndim; i++) {
    const d = view.getUint32(4 + 4 * i, false);
    dims.push(d);
    size *= d;
  }
  const actual = buffer.length - headerBytes;
  if (actual < size) {
    fail(`data truncated: dims [${dims.join(', ')}] need ${size} bytes after the header, file has ${actual}`);
  }
  if (actual > size) {
    fail(
      `${actual - size} unexpected trailing bytes after the ${size} data bytes of dims [${dims.join(', ')}]`,
    );
  }
  // A plain Uint8Array view even when given a Node Buffer (whose slice() semantics differ).
  return { dtype: 0x08, dims, data: new Uint8Array(buffer.buffer, buffer.byteOffset + headerBytes, size) };
}
