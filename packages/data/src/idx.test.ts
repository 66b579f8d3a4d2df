import { describe, expect, it } from 'vitest';
import { readIdx } from './idx';

/** An IDX file: magic 00 00 <dtype> <ndim>, big-endian uint32 dims, then `data`. */
function idx(dims: number[], data: number[], dtype = 0x08): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  const view = new DataView(out.buffer);
  out[2] = dtype;
  out[3] = dims.length;
  for (let i = 0; i < dims.length; i++) view.setUint32(4 + 4 * i, dims[i], false);
  out.set(data, 4 + 4 * dims.length);
  return out;
}

describe('readIdx', () => {
  it('parses the header and returns the data in row-major order', () => {
    const parsed = readIdx(idx([2, 3], [1, 2, 3, 4, 5, 255]));
    expect(parsed.dtype).toBe(0x08);
    expect(parsed.dims).toEqual([2, 3]);
    expect(Array.from(parsed.data)).toEqual([1, 2, 3, 4, 5, 255]);
    expect(parsed.data.constructor).toBe(Uint8Array);
  });

  it('reads big-endian dims above 255 (e.g. 60000)', () => {
    const parsed = readIdx(idx([60000, 0], []));
    expect(parsed.dims).toEqual([60000, 0]);
    expect(parsed.data.length).toBe(0);
  });

  it('works on a Node Buffer that is a view into a larger pool', () => {
    const bytes = idx([2], [7, 9]);
    const pool = Buffer.alloc(bytes.length + 5);
    pool.set(bytes, 5);
    const parsed = readIdx(pool.subarray(5), 'pool');
    expect(Array.from(parsed.data)).toEqual([7, 9]);
  });

  it('rejects a file shorter than the magic number, naming it', () => {
    expect(() => readIdx(new Uint8Array([0, 0]), 'tiny.idx')).toThrow(/tiny\.idx.*shorter than the 4-byte/);
  });

  it('rejects a bad magic number (e.g. a gzipped file)', () => {
    const gz = new Uint8Array([0x1f, 0x8b, 0x08, 0x00, 1, 2, 3, 4]);
    expect(() => readIdx(gz, 'images.gz')).toThrow(/images\.gz.*bad magic number \(first bytes 1f 8b 08 00/);
  });

  it('rejects types other than unsigned byte, saying which', () => {
    expect(() => readIdx(idx([1], [0, 0, 0, 0], 0x0d), 'f.idx')).toThrow(
      /f\.idx.*float32 \(0xd\) is not supported/,
    );
    expect(() => readIdx(idx([1], [0], 0x42), 'f.idx')).toThrow(/unknown type code 0x42/);
  });

  it('rejects zero dimensions', () => {
    expect(() => readIdx(new Uint8Array([0, 0, 8, 0]))).toThrow(/zero dimensions/);
  });

  it('rejects a truncated header', () => {
    const bytes = idx([10, 28, 28], []).subarray(0, 10);
    expect(() => readIdx(bytes, 'cut.idx')).toThrow(
      /cut\.idx.*header truncated: 3 dimensions need 16 header bytes, file has 10/,
    );
  });

  it('rejects truncated data', () => {
    const bytes = idx([3, 2], [1, 2, 3, 4, 5]);
    expect(() => readIdx(bytes, 'short.idx')).toThrow(
      /short\.idx.*data truncated: dims \[3, 2\] need 6 bytes after the header, file has 5/,
    );
  });

  it('rejects trailing bytes', () => {
    const bytes = idx([2], [1, 2, 3]);
    expect(() => readIdx(bytes, 'long.idx')).toThrow(/long\.idx.*1 unexpected trailing bytes/);
  });
});
