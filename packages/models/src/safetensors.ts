import { BRAND, hasBrand } from '@convkit/backend';
import { type DataType, type Tensor, tensor } from '@tensorflow/tfjs-core';

/**
 * Reads and writes the safetensors format (https://huggingface.co/docs/safetensors), what PyTorch users
 * and model hubs publish weights in:
 *
 *   [8 bytes: header length n, little-endian u64][n bytes: JSON header][raw tensor data]
 *
 * The header maps each tensor name to `{ dtype, shape, data_offsets: [begin, end] }` (offsets into the
 * data section, row-major, little-endian values) and may hold string metadata under `__metadata__`.
 * A small reader of the documented format: the npm package of that name is an empty placeholder.
 */

/** The element types of the format. */
export type SafetensorsDtype =
  | 'F64'
  | 'F32'
  | 'F16'
  | 'BF16'
  | 'I64'
  | 'I32'
  | 'I16'
  | 'I8'
  | 'U64'
  | 'U32'
  | 'U16'
  | 'U8'
  | 'BOOL';

const ITEM_SIZE: Record<SafetensorsDtype, number> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U64: 8,
  U32: 4,
  U16: 2,
  U8: 1,
  BOOL: 1,
};

const FLOATS = new Set<SafetensorsDtype>(['F64', 'F32', 'F16', 'BF16']);

/** One tensor's header entry, with its place in the file's bytes. */
export interface SafetensorsEntry {
  dtype: SafetensorsDtype;
  shape: number[];
  /** Offset of its first byte from the start of the file. */
  byteOffset: number;
  byteLength: number;
}

/** Where {@link readSafetensors} can read a file from. */
export type SafetensorsSource = Uint8Array | ArrayBuffer | string | URL | Response | Blob;

const fail = (what: string): never => {
  throw new Error(`safetensors: ${what}`);
};

/**
 * A parsed safetensors file: the header, and each tensor on demand. Float tensors come out as float32
 * (F64, F16 and BF16 converted), integer and boolean ones as int32 (I64/U32/U64 checked to fit).
 * F32 and I32 data that is 4-byte aligned in the file is read in place: `values(name)` is then a view
 * of the file's bytes, and the file's memory is all a 230 MB checkpoint needs before tensors are made.
 */
export class SafetensorsFile {
  /** `instanceof SafetensorsFile` holds across the ESM and CJS builds (see `hasBrand`). */
  static readonly [BRAND]: string = '@convkit/models.SafetensorsFile';
  static [Symbol.hasInstance](x: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: the class on the right of instanceof
    return hasBrand(x, this);
  }
  /** The `__metadata__` strings (empty when there are none). */
  readonly metadata: Record<string, string>;
  private readonly entries = new Map<string, SafetensorsEntry>();

  constructor(readonly bytes: Uint8Array) {
    if (bytes.byteLength < 8)
      fail(`file of ${bytes.byteLength} bytes is too short for the 8-byte header length`);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const n = Number(view.getBigUint64(0, true));
    if (n > 100_000_000 || 8 + n > bytes.byteLength) {
      fail(`header length ${n} does not fit a file of ${bytes.byteLength} bytes — not a safetensors file?`);
    }
    let header: Record<string, unknown>;
    try {
      header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
    } catch (err) {
      throw new Error(`safetensors: the header is not valid JSON (${(err as Error).message})`);
    }
    if (header === null || typeof header !== 'object' || Array.isArray(header))
      fail('the header is not a JSON object');
    const dataStart = 8 + n;
    const dataLength = bytes.byteLength - dataStart;
    const { __metadata__: metadata, ...tensors } = header;
    this.metadata = { ...((metadata ?? {}) as Record<string, string>) };
    for (const [name, raw] of Object.entries(tensors)) {
      const e = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
      const where = `tensor '${name}'`;
      if (typeof e?.dtype !== 'string' || !Object.hasOwn(ITEM_SIZE, e.dtype)) {
        fail(
          `${where}: unsupported dtype ${JSON.stringify(e?.dtype)} (known: ${Object.keys(ITEM_SIZE).join(', ')})`,
        );
      }
      const dtype = e.dtype as SafetensorsDtype;
      if (!Array.isArray(e.shape) || !e.shape.every((d) => Number.isInteger(d) && d >= 0)) {
        fail(`${where}: bad shape ${JSON.stringify(e.shape)}`);
      }
      const shape = e.shape as number[];
      const offsets = e.data_offsets as number[];
      if (
        !Array.isArray(offsets) ||
        offsets.length !== 2 ||
        !(offsets[0] <= offsets[1]) ||
        offsets[1] > dataLength
      ) {
        fail(`${where}: data_offsets ${JSON.stringify(offsets)} outside the ${dataLength} data bytes`);
      }
      const size = shape.reduce((a, b) => a * b, 1);
      if (offsets[1] - offsets[0] !== size * ITEM_SIZE[dtype]) {
        fail(
          `${where}: ${offsets[1] - offsets[0]} bytes for ${dtype} [${shape}] (expected ${size * ITEM_SIZE[dtype]})`,
        );
      }
      this.entries.set(name, {
        dtype,
        shape,
        byteOffset: dataStart + offsets[0],
        byteLength: offsets[1] - offsets[0],
      });
    }
  }

  /** Tensor names, in header order. */
  get names(): string[] {
    return [...this.entries.keys()];
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** The header entry of `name`. */
  entry(name: string): SafetensorsEntry {
    const e = this.entries.get(name);
    if (!e)
      fail(
        `no tensor '${name}' (the file has ${this.entries.size}: ${this.names.slice(0, 8).join(', ')}${this.entries.size > 8 ? ', …' : ''})`,
      );
    return e as SafetensorsEntry;
  }

  /** The tfjs dtype `tensor(name)` gives: float32 for float data, int32 for the rest. */
  dtypeOf(name: string): 'float32' | 'int32' {
    return FLOATS.has(this.entry(name).dtype) ? 'float32' : 'int32';
  }

  /** The values of `name` as float32 or int32, row-major; a view of the file's bytes where possible. */
  values(name: string): Float32Array | Int32Array {
    const { dtype, byteOffset, byteLength } = this.entry(name);
    const n = byteLength / ITEM_SIZE[dtype];
    const at = this.bytes.byteOffset + byteOffset;
    const buffer = this.bytes.buffer;
    const aligned = (k: number) => at % k === 0;
    const raw = this.bytes.subarray(byteOffset, byteOffset + byteLength);
    // Unaligned data is copied (`new Uint8Array(raw)`; a Node Buffer's `slice` would not copy).
    const data = new DataView(buffer, at, byteLength);
    switch (dtype) {
      case 'F32':
        return aligned(4) ? new Float32Array(buffer, at, n) : new Float32Array(new Uint8Array(raw).buffer);
      case 'I32':
        return aligned(4) ? new Int32Array(buffer, at, n) : new Int32Array(new Uint8Array(raw).buffer);
      case 'F64':
        return Float32Array.from({ length: n }, (_, i) => data.getFloat64(8 * i, true));
      case 'F16':
        return halfToFloat(data, n);
      case 'BF16': {
        const out = new Uint32Array(n);
        for (let i = 0; i < n; i++) out[i] = data.getUint16(2 * i, true) << 16;
        return new Float32Array(out.buffer);
      }
      case 'I16':
        return Int32Array.from({ length: n }, (_, i) => data.getInt16(2 * i, true));
      case 'U16':
        return Int32Array.from({ length: n }, (_, i) => data.getUint16(2 * i, true));
      case 'I8':
        return Int32Array.from(new Int8Array(buffer, at, n));
      case 'U8':
      case 'BOOL':
        return Int32Array.from(raw);
      case 'U32':
        return Int32Array.from({ length: n }, (_, i) => toInt32(name, data.getUint32(4 * i, true)));
      case 'I64':
        return Int32Array.from({ length: n }, (_, i) => toInt32(name, Number(data.getBigInt64(8 * i, true))));
      case 'U64':
        return Int32Array.from({ length: n }, (_, i) =>
          toInt32(name, Number(data.getBigUint64(8 * i, true))),
        );
    }
  }

  /** `name` as a tensor (float32 or int32); the caller disposes it. */
  tensor(name: string): Tensor {
    const { shape } = this.entry(name);
    return tensor(this.values(name), shape, this.dtypeOf(name));
  }

  /** Every tensor (or those in `names`) by name; the caller disposes them. */
  tensors(names: string[] = this.names): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    for (const name of names) out[name] = this.tensor(name);
    return out;
  }
}

function toInt32(name: string, v: number): number {
  if (!(v >= -2147483648 && v <= 2147483647)) {
    fail(`tensor '${name}': integer ${v} does not fit int32 (tfjs's integer type)`);
  }
  return v;
}

/** IEEE half → float32, bit by bit (subnormals, infinities and NaN included). */
function halfToFloat(data: DataView, n: number): Float32Array {
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const h = data.getUint16(2 * i, true);
    const sign = (h & 0x8000) << 16;
    const exp = (h >> 10) & 0x1f;
    let mant = h & 0x3ff;
    if (exp === 0) {
      if (mant === 0) out[i] = sign;
      else {
        // Subnormal half: shift the mantissa up to a leading 1 and lower the exponent to match.
        let e = 113;
        while ((mant & 0x400) === 0) {
          mant <<= 1;
          e--;
        }
        out[i] = sign | (e << 23) | ((mant & 0x3ff) << 13);
      }
    } else if (exp === 31) out[i] = sign | 0x7f800000 | (mant << 13);
    else out[i] = sign | ((exp + 112) << 23) | (mant << 13);
  }
  return new Float32Array(out.buffer);
}

/** Parses safetensors bytes (no copy of the data). */
export function parseSafetensors(bytes: Uint8Array | ArrayBuffer): SafetensorsFile {
  return new SafetensorsFile(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes));
}

/** The bytes of a source: a path or file URL (Node), a fetch `Response`, a `Blob`, or bytes. */
async function readBytes(source: SafetensorsSource): Promise<Uint8Array> {
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  if (typeof Response !== 'undefined' && source instanceof Response) {
    if (!source.ok)
      fail(`fetch of ${source.url || 'the file'} failed: HTTP ${source.status} ${source.statusText}`);
    return new Uint8Array(await source.arrayBuffer());
  }
  if (typeof Blob !== 'undefined' && source instanceof Blob)
    return new Uint8Array(await source.arrayBuffer());
  if (typeof source === 'string' || source instanceof URL) {
    if (typeof process === 'undefined' || !process.versions?.node) {
      fail(`cannot read the path ${String(source)} outside Node: pass a fetch Response, a Blob or the bytes`);
    }
    // A computed specifier, so that browser bundles do not try to resolve Node's fs.
    const fsModule = 'node:fs/promises';
    const { readFile } = (await import(
      /* @vite-ignore */ /* webpackIgnore: true */ fsModule
    )) as typeof import('node:fs/promises');
    // One read into one buffer; F32 tensors are then views of it.
    return readFile(source);
  }
  return fail(
    `cannot read ${Object.prototype.toString.call(source)}: pass a path, a Response, a Blob or bytes`,
  );
}

/**
 * Reads a safetensors file from a path (Node), a fetch `Response` (browser or Node), a `Blob` or bytes,
 * without making tensors yet: see {@link SafetensorsFile}; `loadTorchWeights` takes it directly and
 * makes one tensor at a time.
 *
 * @example
 * const file = await readSafetensors('resnet50.safetensors');
 * file.names.length; file.entry('fc.weight').shape; // [1000, 2048]
 */
export async function readSafetensors(source: SafetensorsSource): Promise<SafetensorsFile> {
  return parseSafetensors(await readBytes(source));
}

/**
 * Every tensor of a safetensors file by name (float32 for F32/F16/BF16/F64, int32 for integer types).
 * The caller disposes them (`dispose(Object.values(tensors))`).
 *
 * @example
 * const tensors = await loadSafetensors(await fetch('/weights/resnet18.safetensors'));
 */
export async function loadSafetensors(source: SafetensorsSource): Promise<Record<string, Tensor>> {
  return (await readSafetensors(source)).tensors();
}

const WRITE_DTYPE: Partial<Record<DataType, SafetensorsDtype>> = {
  float32: 'F32',
  int32: 'I32',
  bool: 'BOOL',
};

/**
 * Writes tensors (float32 → F32, int32 → I32, bool → BOOL) and optional string metadata as safetensors
 * bytes, header padded to 8 bytes as the reference writer does. Reads each tensor's data once (async,
 * so it works on webgpu); does not dispose them.
 *
 * @example
 * const bytes = await saveSafetensors(exportTorchWeights(model));
 * writeFileSync('model.safetensors', bytes); // torch: load_file → model.load_state_dict
 */
export async function saveSafetensors(
  tensors: Record<string, Tensor>,
  options: { metadata?: Record<string, string> } = {},
): Promise<Uint8Array> {
  const header: Record<string, unknown> = {};
  if (options.metadata) {
    for (const [k, v] of Object.entries(options.metadata)) {
      if (typeof v !== 'string') fail(`metadata '${k}' must be a string, got ${typeof v}`);
    }
    header.__metadata__ = options.metadata;
  }
  let offset = 0;
  const layout: [Tensor, number, SafetensorsDtype][] = [];
  for (const [name, t] of Object.entries(tensors)) {
    const dtype = WRITE_DTYPE[t.dtype] ?? fail(`tensor '${name}': cannot write dtype ${t.dtype}`);
    const length = t.size * ITEM_SIZE[dtype];
    header[name] = { dtype, shape: t.shape, data_offsets: [offset, offset + length] };
    layout.push([t, offset, dtype]);
    offset += length;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  // Pad the header with spaces to a multiple of 8 bytes, so that the data starts 8-byte aligned.
  const headerLength = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength);
  const start = 8 + headerLength;
  for (const [t, at, dtype] of layout) {
    const values = await t.data();
    const bytes =
      dtype === 'BOOL'
        ? Uint8Array.from(values as ArrayLike<number>)
        : new Uint8Array(values.buffer as ArrayBuffer, values.byteOffset, values.byteLength);
    out.set(bytes, start + at);
  }
  return out;
}
