import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useBackend } from '@convkit/backend/testing';
import { dispose, memory, scalar, tensor } from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSafetensors, parseSafetensors, readSafetensors, saveSafetensors } from './safetensors';

const fixtures = join(__dirname, '..', 'fixtures');
const golden: Record<string, { dtype: string; shape: number[]; values: (number | string)[] }> = JSON.parse(
  readFileSync(join(fixtures, 'dtypes.json'), 'utf8'),
);
const number = (v: number | string) =>
  v === 'nan' ? Number.NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : (v as number);

/** A file from a header object and data bytes, as the format lays it out. */
function file(header: unknown, data: Uint8Array = new Uint8Array(0), headerLength?: number): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength ?? json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

describe('safetensors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'convkit-safetensors-'));
  useBackend('cpu');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads every dtype PyTorch writes as PyTorch converts it (float32 / int32), with shapes and metadata', async () => {
    const f = await readSafetensors(join(fixtures, 'dtypes.safetensors'));
    expect(f.names).toEqual(Object.keys(golden));
    expect(f.metadata).toEqual({ written_by: 'make_fixtures.py' });
    for (const [name, g] of Object.entries(golden)) {
      expect(f.entry(name).dtype, name).toBe(g.dtype);
      const t = f.tensor(name);
      expect(t.shape, name).toEqual(g.shape);
      expect(t.dtype, name).toBe(['F32', 'F16', 'BF16', 'F64'].includes(g.dtype) ? 'float32' : 'int32');
      const values = Array.from(await t.data());
      const float = t.dtype === 'float32';
      const expected = g.values.map((v) => (float ? Math.fround(number(v)) : number(v)));
      // Object.is: -0 and NaN must come out as PyTorch has them.
      for (let i = 0; i < values.length; i++) {
        expect(Object.is(values[i], expected[i]), `${name}[${i}]: ${values[i]} vs ${expected[i]}`).toBe(true);
      }
      t.dispose();
    }
  });

  it('F32 and I32 data are read in place: views of the file, no copy', async () => {
    const bytes = readFileSync(join(fixtures, 'dtypes.safetensors'));
    const f = parseSafetensors(bytes);
    for (const name of ['f32', 'i32']) {
      const v = f.values(name);
      expect(v.buffer, name).toBe(bytes.buffer);
      expect(v.byteOffset, name).toBe(bytes.byteOffset + f.entry(name).byteOffset);
    }
    // Converted dtypes are new arrays.
    expect(f.values('f16').buffer).not.toBe(bytes.buffer);
  });

  it('round trip: saveSafetensors → parse gives the same names, shapes, dtypes, values and metadata', async () => {
    const tensors = {
      'layer1.0.conv1.weight': tensor([1, -2, 3.5, 1e-38, -0, 7], [3, 1, 2]),
      'bn1.num_batches_tracked': scalar(42, 'int32'),
      mask: tensor([true, false, true], [3], 'bool'),
      'ünïcode ✓': tensor([0.25], [1]),
      empty: tensor([], [0, 4]),
    };
    const bytes = await saveSafetensors(tensors, { metadata: { format: 'pt' } });
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(headerLength % 8, 'header padded to 8 bytes').toBe(0);
    const f = parseSafetensors(bytes);
    expect(f.names).toEqual(Object.keys(tensors));
    expect(f.metadata).toEqual({ format: 'pt' });
    expect(f.entry('bn1.num_batches_tracked')).toMatchObject({ dtype: 'I32', shape: [] });
    expect(f.entry('mask').dtype).toBe('BOOL');
    for (const [name, t] of Object.entries(tensors)) {
      const back = f.tensor(name);
      expect(back.shape).toEqual(t.shape);
      expect(Array.from(await back.data())).toEqual(Array.from(await t.data(), Number));
      back.dispose();
    }
    dispose(Object.values(tensors));
  });

  it('reads from a path, a fetch Response, a Blob, an ArrayBuffer; loadSafetensors makes every tensor', async () => {
    const before = memory().numTensors;
    const bytes = await saveSafetensors({ a: tensor([1, 2, 3]), b: tensor([[4]]) });
    const path = join(dir, 'ab.safetensors');
    writeFileSync(path, bytes);
    const body = bytes as Uint8Array<ArrayBuffer>;
    const sources = [path, new URL(`file://${path}`), new Response(body), new Blob([body]), bytes.buffer];
    for (const source of sources) {
      const tensors = await loadSafetensors(source as never);
      expect(Object.keys(tensors)).toEqual(['a', 'b']);
      expect(Array.from(await tensors.a.data())).toEqual([1, 2, 3]);
      expect(tensors.b.shape).toEqual([1, 1]);
      dispose(Object.values(tensors));
    }
    expect(memory().numTensors - before).toBe(2);
  });

  it('errors name the problem: truncated file, bad JSON, wrong byte count, unknown dtype, int64 overflow, failed fetch', async () => {
    expect(() => parseSafetensors(new Uint8Array(4))).toThrow(/too short/);
    expect(() => parseSafetensors(file({}, new Uint8Array(0), 1000))).toThrow(
      /header length 1000 does not fit/,
    );
    const bad = file({});
    bad[8] = 0x7b; // '{' then garbage
    bad[9] = 0x7b;
    expect(() => parseSafetensors(bad)).toThrow(/not valid JSON/);
    expect(() =>
      parseSafetensors(file({ w: { dtype: 'F32', shape: [2], data_offsets: [0, 4] } }, new Uint8Array(4))),
    ).toThrow(/tensor 'w': 4 bytes for F32 \[2\] \(expected 8\)/);
    expect(() =>
      parseSafetensors(file({ w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, new Uint8Array(4))),
    ).toThrow(/outside the 4 data bytes/);
    expect(() =>
      parseSafetensors(
        file({ w: { dtype: 'F8_E4M3', shape: [1], data_offsets: [0, 1] } }, new Uint8Array(1)),
      ),
    ).toThrow(/tensor 'w': unsupported dtype "F8_E4M3"/);
    const big = new Uint8Array(8);
    new DataView(big.buffer).setBigInt64(0, 2n ** 40n, true);
    const f = parseSafetensors(file({ n: { dtype: 'I64', shape: [], data_offsets: [0, 8] } }, big));
    expect(() => f.tensor('n')).toThrow(/tensor 'n': integer 1099511627776 does not fit int32/);
    expect(() => f.entry('m')).toThrow(/no tensor 'm' \(the file has 1: n\)/);
    await expect(
      readSafetensors(new Response('nope', { status: 404, statusText: 'Not Found' })),
    ).rejects.toThrow(/HTTP 404 Not Found/);
    await expect(readSafetensors(join(dir, 'missing.safetensors'))).rejects.toThrow(/ENOENT/);
    await expect(saveSafetensors({ s: tensor(['a']) })).rejects.toThrow(
      /tensor 's': cannot write dtype string/,
    );
  });

  it('reads unaligned F32 data by copying it', async () => {
    // A header whose length is not a multiple of 4 puts the data off 4-byte alignment.
    const data = new Uint8Array(new Float32Array([1.5, -2]).buffer);
    let header = { w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } } as Record<string, unknown>;
    if ((8 + JSON.stringify(header).length) % 4 === 0) header = { ...header, __metadata__: { x: 'y' } };
    const f = parseSafetensors(file(header, data));
    expect(Array.from(f.values('w'))).toEqual([1.5, -2]);
  });
});
