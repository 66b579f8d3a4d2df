import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CIFAR10_CLASSES, CIFAR100_CLASSES, CIFAR100_COARSE_CLASSES, readCifar } from './cifar';
import { loadCifar10, loadCifar100 } from './load-cifar';

/**
 * CIFAR records for `labels` (one label array per label byte: [label] for CIFAR-10, [coarse, fine] for
 * CIFAR-100). Pixel (y, x) of channel c in record r is (r·7 + c·50 + y·3 + x) mod 256, written as three
 * 32×32 planes (CHW), as in the real files.
 */
function records(labels: number[][]): Uint8Array {
  const head = labels.length;
  const n = labels[0].length;
  const out = new Uint8Array(n * (head + 3072));
  for (let r = 0; r < n; r++) {
    const base = r * (head + 3072);
    for (let b = 0; b < head; b++) out[base + b] = labels[b][r];
    for (let c = 0; c < 3; c++)
      for (let y = 0; y < 32; y++)
        for (let x = 0; x < 32; x++) out[base + head + c * 1024 + y * 32 + x] = pixel(r, c, y, x);
  }
  return out;
}
const pixel = (r: number, c: number, y: number, x: number) => (r * 7 + c * 50 + y * 3 + x) % 256;

describe('readCifar', () => {
  it('reads CIFAR-10 records: label, then CHW planes reordered to NHWC', () => {
    const ds = readCifar(records([[3, 9, 0]]), { format: 'cifar10' });
    expect([ds.count, ds.height, ds.width, ds.channels]).toEqual([3, 32, 32, 3]);
    expect(Array.from(ds.labels)).toEqual([3, 9, 0]);
    expect(ds.classes).toBe(CIFAR10_CLASSES);
    for (const [r, y, x] of [
      [0, 0, 0],
      [1, 5, 17],
      [2, 31, 31],
    ]) {
      const at = ((r * 32 + y) * 32 + x) * 3;
      expect(Array.from(ds.images.subarray(at, at + 3)), `record ${r} (${y}, ${x})`).toEqual([
        pixel(r, 0, y, x),
        pixel(r, 1, y, x),
        pixel(r, 2, y, x),
      ]);
    }
  });

  it('reads CIFAR-100 records with the fine (default) or the coarse label', () => {
    const bytes = records([
      [19, 4],
      [99, 30],
    ]);
    const fine = readCifar(bytes, { format: 'cifar100' });
    expect(Array.from(fine.labels)).toEqual([99, 30]);
    expect(fine.classes).toBe(CIFAR100_CLASSES);
    const coarse = readCifar(bytes, { format: 'cifar100', labels: 'coarse' });
    expect(Array.from(coarse.labels)).toEqual([19, 4]);
    expect(coarse.classes).toBe(CIFAR100_COARSE_CLASSES);
    expect(coarse.images[((1 * 32 + 2) * 32 + 3) * 3 + 2]).toBe(pixel(1, 2, 2, 3));
  });

  it('has the published class names', () => {
    expect(CIFAR10_CLASSES).toEqual('airplane automobile bird cat deer dog frog horse ship truck'.split(' '));
    expect(CIFAR100_CLASSES.length).toBe(100);
    expect(new Set(CIFAR100_CLASSES).size).toBe(100);
    // fine_label_names.txt is in alphabetical order.
    expect([...CIFAR100_CLASSES].sort()).toEqual(CIFAR100_CLASSES);
    expect(CIFAR100_CLASSES.slice(0, 3)).toEqual(['apple', 'aquarium_fish', 'baby']);
    expect(CIFAR100_CLASSES[39]).toBe('keyboard');
    expect(CIFAR100_CLASSES[99]).toBe('worm');
    expect(CIFAR100_COARSE_CLASSES.length).toBe(20);
    expect(CIFAR100_COARSE_CLASSES[9]).toBe('large_man-made_outdoor_things');
    expect(CIFAR100_COARSE_CLASSES[19]).toBe('vehicles_2');
  });

  it('names the file when its size is not a whole number of records, with a hint', () => {
    const ten = records([[1, 2]]);
    expect(() => readCifar(ten.subarray(0, 3073 + 100), { format: 'cifar10', name: 'cut.bin' })).toThrow(
      'readCifar(cut.bin): file is 3173 bytes, not a positive multiple of the 3073-byte CIFAR-10 record (1 label + 3072 pixels); truncated or not a CIFAR binary file (100 bytes past the last whole record)',
    );
    expect(() => readCifar(ten, { format: 'cifar100', name: 'ten.bin' })).toThrow(
      /ten\.bin\): file is 6146 bytes, not a positive multiple of the 3074-byte CIFAR-100 record .*; it is a whole number of 3073-byte records: a CIFAR-10 file\?/,
    );
    const hundred = records([[1], [2]]);
    expect(() => readCifar(hundred, { format: 'cifar10', name: 'h.bin' })).toThrow(
      /whole number of 3074-byte records: a CIFAR-100 file\?/,
    );
    expect(() => readCifar(new Uint8Array(0), { format: 'cifar10', name: 'empty.bin' })).toThrow(
      /empty\.bin\): file is 0 bytes/,
    );
    expect(() => readCifar(new Uint8Array(500), { format: 'cifar10', name: 'x.tar.gz' })).toThrow(
      /extract the archive first/,
    );
  });

  it('names the file and record of a label out of range', () => {
    expect(() => readCifar(records([[0, 10]]), { format: 'cifar10', name: 'b.bin' })).toThrow(
      'readCifar(b.bin): record 1 has label 10, expected 0–9: not a CIFAR-10 file?',
    );
    expect(() => readCifar(records([[20], [0]]), { format: 'cifar100', name: 'c.bin' })).toThrow(
      /record 0 has coarse label 20, expected 0–19/,
    );
    expect(() => readCifar(records([[0], [100]]), { format: 'cifar100', name: 'c.bin' })).toThrow(
      /record 0 has fine label 100, expected 0–99/,
    );
  });

  it('rejects an unknown format or label kind', () => {
    expect(() => readCifar(records([[1]]), { format: 'cifar20' as 'cifar10' })).toThrow(
      /format must be 'cifar10' or 'cifar100', got 'cifar20'/,
    );
    expect(() => readCifar(records([[1], [1]]), { format: 'cifar100', labels: 'middle' as 'fine' })).toThrow(
      /labels must be 'fine' or 'coarse'/,
    );
  });
});

describe('loadCifar10 / loadCifar100', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'convkit-cifar-'));
    const ten = join(dir, 'cifar-10-batches-bin');
    await mkdir(ten);
    for (let b = 1; b <= 5; b++) await writeFile(join(ten, `data_batch_${b}.bin`), records([[b, b + 1]]));
    await writeFile(join(ten, 'test_batch.bin'), records([[9]]));
    const hundred = join(dir, 'cifar-100-binary');
    await mkdir(hundred);
    await writeFile(
      join(hundred, 'train.bin'),
      records([
        [1, 2, 3],
        [10, 20, 30],
      ]),
    );
    await writeFile(join(hundred, 'test.bin'), records([[5], [55]]));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('concatenates data_batch_1..5 in order for train, test_batch for test', async () => {
    const train = await loadCifar10('train', { dir: join(dir, 'cifar-10-batches-bin') });
    expect(train.count).toBe(10);
    expect(Array.from(train.labels)).toEqual([1, 2, 2, 3, 3, 4, 4, 5, 5, 6]);
    // Sample 2 is record 0 of data_batch_2.bin.
    expect(train.images[2 * 3072 + 1]).toBe(pixel(0, 1, 0, 0));
    expect(train.images[3 * 3072]).toBe(pixel(1, 0, 0, 0));
    const test = await loadCifar10('test', { dir });
    expect(Array.from(test.labels)).toEqual([9]);
    expect(test.classes).toBe(CIFAR10_CLASSES);
  });

  it('reads CIFAR-100 train.bin / test.bin with fine or coarse labels, from the folder or its parent', async () => {
    const train = await loadCifar100('train', { dir });
    expect(Array.from(train.labels)).toEqual([10, 20, 30]);
    const coarse = await loadCifar100('test', { dir: join(dir, 'cifar-100-binary'), labels: 'coarse' });
    expect(Array.from(coarse.labels)).toEqual([5]);
    expect(coarse.classes.length).toBe(20);
  });

  it('returns arrays the caller owns', async () => {
    const a = await loadCifar10('test', { dir });
    a.labels[0] = 0;
    expect((await loadCifar10('test', { dir })).labels[0]).toBe(9);
  });

  it('says where to get the files when they are missing', async () => {
    await expect(loadCifar10('train', { dir: join(dir, 'nope') })).rejects.toThrow(
      /loadCifar10: cannot find \S+data_batch_1\.bin, .*data_batch_5\.bin: download cifar-10-binary\.tar\.gz from https:\/\/www\.cs\.toronto\.edu\/~kriz\/cifar\.html, extract it and pass the cifar-10-batches-bin folder as \{ dir \}/,
    );
    await expect(loadCifar100('test', {} as { dir: string })).rejects.toThrow(
      /loadCifar100: options\.dir is required: download cifar-100-binary\.tar\.gz/,
    );
  });

  it('checks every file size before reading, naming the bad file', async () => {
    const bad = await mkdtemp(join(tmpdir(), 'convkit-cifar-bad-'));
    try {
      for (let b = 1; b <= 5; b++) await writeFile(join(bad, `data_batch_${b}.bin`), records([[b]]));
      await writeFile(join(bad, 'data_batch_4.bin'), records([[1]]).subarray(0, 3000));
      await expect(loadCifar10('train', { dir: bad })).rejects.toThrow(
        /loadCifar10: \S+data_batch_4\.bin: file is 3000 bytes, not a positive multiple of the 3073-byte CIFAR-10 record/,
      );
      await writeFile(join(bad, 'data_batch_4.bin'), records([[11]]));
      await expect(loadCifar10('train', { dir: bad })).rejects.toThrow(
        /data_batch_4\.bin: record 0 has label 11, expected 0–9/,
      );
    } finally {
      await rm(bad, { recursive: true, force: true });
    }
  });

  it('rejects an unknown split', async () => {
    await expect(loadCifar10('val' as 'train', { dir })).rejects.toThrow(/split must be 'train' or 'test'/);
  });
});
