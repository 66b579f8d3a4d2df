import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { initBackend } from '@convkit/backend';
import { memory } from '@tensorflow/tfjs-core';
import { encode as encodePng } from 'fast-png';
import jpeg from 'jpeg-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batches } from './batches';
import { slice } from './dataset';
import { type ImageFolderProgress, loadImageFolder } from './image-folder';

/** A solid `color` PNG (1, 2, 3 or 4 channels) of `height`×`width`. */
function png(height: number, width: number, color: number[]): Uint8Array {
  const data = new Uint8Array(height * width * color.length);
  for (let i = 0; i < data.length; i++) data[i] = color[i % color.length];
  return encodePng({ width, height, data, channels: color.length });
}

/** A solid RGB JPEG of `height`×`width` (quality 95: a flat color decodes within ±1). */
function jpg(height: number, width: number, rgb: number[]): Uint8Array {
  const data = new Uint8Array(height * width * 4);
  for (let i = 0; i < height * width; i++) data.set([...rgb, 255], i * 4);
  return jpeg.encode({ width, height, data }, 95).data;
}

async function put(root: string, rel: string, bytes: Uint8Array | string): Promise<void> {
  await mkdir(dirname(join(root, rel)), { recursive: true });
  await writeFile(join(root, rel), bytes);
}

const temps: string[] = [];
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'convkit-folder-'));
  temps.push(d);
  return d;
}
afterAll(() => Promise.all(temps.map((d) => rm(d, { recursive: true, force: true }))));

/** fixtures/golden.json `folder`: torchvision 0.14's ImageFolder listing of a tree of awkward names. */
const golden = (
  JSON.parse(readFileSync(new URL('../fixtures/golden.json', import.meta.url), 'utf8')) as {
    folder: { tree: string[]; classes: string[]; samples: [string, number][] };
  }
).folder;

describe('loadImageFolder', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu', strict: true });
  });

  it("lists classes and samples in torchvision ImageFolder's order", async () => {
    const root = await tempDir();
    // Every image is a distinct gray (10·k for the k-th entry of the tree): pixels show which file is where.
    for (const [k, rel] of golden.tree.entries()) {
      const v = 10 * k;
      await put(
        root,
        rel,
        /\.png$/i.test(rel) ? png(2, 3, [v]) : /\.jpe?g$/i.test(rel) ? jpg(2, 3, [v, v, v]) : 'text',
      );
    }
    const ds = await loadImageFolder(root);
    expect(ds.classes).toEqual(golden.classes);
    expect(ds.classToIndex).toEqual(Object.fromEntries(golden.classes.map((c, i) => [c, i])));
    expect(ds.files).toEqual(golden.samples.map(([rel]) => join(root, rel)));
    expect(Array.from(ds.labels)).toEqual(golden.samples.map(([, label]) => label));
    expect([ds.count, ds.height, ds.width, ds.channels]).toEqual([golden.samples.length, 2, 3, 3]);
    golden.samples.forEach(([rel], i) => {
      const v = 10 * golden.tree.indexOf(rel);
      expect(Math.abs(ds.images[i * 18] - v), rel).toBeLessThanOrEqual(1);
    });
  });

  describe('on a small two-class folder', () => {
    let root = '';
    beforeAll(async () => {
      root = await tempDir();
      await put(root, 'cat/a.png', png(4, 6, [200, 30, 60])); // RGB
      await put(root, 'cat/b.jpg', jpg(8, 8, [10, 220, 90]));
      await put(root, 'dog/c.png', png(5, 5, [77])); // gray
      await put(root, 'dog/d.png', png(3, 9, [1, 2, 3, 0])); // RGBA, transparent
      await put(root, 'dog/.e.jpg', 'not an image'); // hidden: skipped
      await put(root, 'dog/notes.txt', 'ignored');
      await put(root, '.ipynb_checkpoints/x.png', png(2, 2, [0])); // hidden folder: not a class
      await put(root, 'stray.png', png(2, 2, [0])); // not in a class folder: ignored
    });

    it('decodes, converts to RGB and resizes every image; the result batches', async () => {
      const ds = await loadImageFolder(root, { size: [4, 5] });
      expect(ds.classes).toEqual(['cat', 'dog']);
      expect([ds.count, ds.height, ds.width, ds.channels]).toEqual([4, 4, 5, 3]);
      expect(Array.from(ds.labels)).toEqual([0, 0, 1, 1]);
      expect(ds.files.map((f) => f.slice(root.length + 1))).toEqual([
        join('cat', 'a.png'),
        join('cat', 'b.jpg'),
        join('dog', 'c.png'),
        join('dog', 'd.png'),
      ]);
      // A flat color stays flat through any bilinear resize; alpha is dropped, gray repeated.
      const px = (i: number) => Array.from(ds.images.subarray(i * 60, i * 60 + 3));
      expect(px(0)).toEqual([200, 30, 60]);
      px(1).forEach((v, ch) => {
        expect(Math.abs(v - [10, 220, 90][ch])).toBeLessThanOrEqual(2);
      });
      expect(px(2)).toEqual([77, 77, 77]);
      expect(px(3)).toEqual([1, 2, 3]);
      expect(ds.images.subarray(3 * 60).every((v, i) => v === [1, 2, 3][i % 3])).toBe(true);

      const before = memory().numTensors;
      const shapes: number[][] = [];
      for (const { x, y } of batches(ds, { batchSize: 3 })) {
        shapes.push(x.shape);
        x.dispose();
        y.dispose();
      }
      expect(shapes).toEqual([
        [3, 4, 5, 3],
        [1, 4, 5, 3],
      ]);
      expect(memory().numTensors).toBe(before);
      expect(slice(ds, 2).files).toEqual(ds.files.slice(2));
    });

    it('gives 1 (luma) or 4 channels on request, and a cover crop keeps the shape', async () => {
      const gray = await loadImageFolder(root, { size: 3, channels: 1 });
      expect([gray.height, gray.width, gray.channels]).toEqual([3, 3, 1]);
      // PIL's luma of (200, 30, 60): (19595·200 + 38470·30 + 7471·60 + 2¹⁵) >> 16 = 84.
      expect(gray.images[0]).toBe(84);
      const rgba = await loadImageFolder(root, { size: 3, channels: 4 });
      expect(Array.from(rgba.images.subarray(0, 4))).toEqual([200, 30, 60, 255]);
      expect(Array.from(rgba.images.subarray(3 * 36, 3 * 36 + 4))).toEqual([1, 2, 3, 0]);
      const cover = await loadImageFolder(root, { size: [6, 2], fit: 'cover', antialias: false });
      expect([cover.count, cover.height, cover.width]).toEqual([4, 6, 2]);
    });

    it('reports progress for every image', async () => {
      const seen: ImageFolderProgress[] = [];
      await loadImageFolder(root, { size: 2, onProgress: (p) => seen.push(p) });
      expect(seen.map((p) => [p.loaded, p.total])).toEqual([
        [1, 4],
        [2, 4],
        [3, 4],
        [4, 4],
      ]);
      expect(seen[3].file).toBe(join(root, 'dog', 'd.png'));
    });

    it('stops when the signal aborts, returning nothing', async () => {
      const controller = new AbortController();
      let calls = 0;
      const load = loadImageFolder(root, {
        size: 2,
        signal: controller.signal,
        onProgress: () => {
          if (++calls === 2) controller.abort(new Error('user cancelled'));
        },
      });
      await expect(load).rejects.toThrow('user cancelled');
      expect(calls).toBe(2);
    });

    it('without a size, needs every image to be the same size, naming the odd one', async () => {
      await expect(loadImageFolder(root)).rejects.toThrow(
        /loadImageFolder: \S+b\.jpg is 8×8 \(width×height\) but \S+a\.png is 6×4: pass \{ size \} to resize/,
      );
    });
  });

  it('keeps the images’ own size when they all agree', async () => {
    const root = await tempDir();
    await put(root, 'a/1.png', png(3, 4, [5, 6, 7]));
    await put(root, 'b/2.png', png(3, 4, [8]));
    const ds = await loadImageFolder(root);
    expect([ds.height, ds.width, ds.channels]).toEqual([3, 4, 3]);
  });

  describe('bad folders and files: an error naming them, nothing returned', () => {
    it('names a file that does not decode, and why', async () => {
      const root = await tempDir();
      await put(root, 'a/1.png', png(3, 4, [5]));
      const cut = jpg(16, 16, [1, 2, 3]);
      await put(root, 'b/2.jpg', cut.subarray(0, cut.length >> 1));
      const seen: number[] = [];
      await expect(
        loadImageFolder(root, { size: 2, onProgress: (p) => seen.push(p.loaded) }),
      ).rejects.toThrow(/loadImageFolder: \S+2\.jpg: corrupt or truncated JPEG \(/);
      expect(seen).toEqual([1]);
      await put(root, 'b/2.jpg', 'GIF89a');
      await expect(loadImageFolder(root, { size: 2 })).rejects.toThrow(
        /\S+2\.jpg: not a PNG or JPEG file: it is a GIF file/,
      );
    });

    it('refuses other image formats before decoding anything', async () => {
      const root = await tempDir();
      await put(root, 'a/1.png', png(3, 4, [5]));
      await put(root, 'a/2.webp', 'RIFF....WEBP');
      await put(root, 'b/3.GIF', 'GIF89a');
      let progress = 0;
      await expect(
        loadImageFolder(root, {
          size: 2,
          onProgress: () => {
            progress++;
          },
        }),
      ).rejects.toThrow(
        /loadImageFolder: 2 file\(s\) in \S+ are images in a format other than PNG or JPEG \(a\/2\.webp, b\/3\.GIF\): convert them/,
      );
      expect(progress).toBe(0);
    });

    it('names class folders without images, a folder without classes, and a missing root', async () => {
      const root = await tempDir();
      await put(root, 'a/1.png', png(3, 4, [5]));
      await put(root, 'b/readme.txt', 'no images here');
      await mkdir(join(root, 'c'));
      await expect(loadImageFolder(root)).rejects.toThrow(
        /no PNG or JPEG file in the class folder\(s\) b, c of /,
      );
      const flat = await tempDir();
      await put(flat, '1.png', png(3, 4, [5]));
      await expect(loadImageFolder(flat)).rejects.toThrow(
        /no class folders in \S+: expected one sub-folder per class \(e\.g\. \S+cat\/001\.jpg\)/,
      );
      await expect(loadImageFolder(join(flat, 'nope'))).rejects.toThrow(
        /\S+nope is not a folder \(it does not exist\)/,
      );
    });

    it('rejects bad options, naming them', async () => {
      await expect(loadImageFolder('.', { channels: 2 as 1 })).rejects.toThrow(
        /channels must be 1, 3 or 4, got 2/,
      );
      await expect(loadImageFolder('.', { size: [0, 3] })).rejects.toThrow(/loadImageFolder: size must be/);
      await expect(loadImageFolder('.', { fit: 'stretch' as 'fill' })).rejects.toThrow(
        /fit must be 'fill' or 'cover'/,
      );
    });
  });
});
