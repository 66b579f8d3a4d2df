import { gzipSync } from 'node:zlib';
import { readIdx } from '@convkit/data';
import { describe, expect, it } from 'vitest';
import { DATA_FILES, type DataManifest, writeIdx } from '../datasets-plugin';
import { type DataProgress, inflate, loadData } from './data';

// A served site in memory: data/datasets.json and the gzipped IDX files of a 30-image "mnist".
function site(options: { encoding?: 'gzip' } = {}) {
  const count = { train: 20, test: 10 };
  const files: Record<string, Uint8Array> = {};
  const manifest: DataManifest = { version: 1, datasets: {} as DataManifest['datasets'] };
  const entries = {} as DataManifest['datasets']['mnist']['files'];
  for (const f of DATA_FILES) {
    const n = f.startsWith('train') ? count.train : count.test;
    const idx = f.endsWith('images')
      ? writeIdx(
          Uint8Array.from({ length: n * 4 * 4 }, (_, i) => i % 256),
          [n, 4, 4],
        )
      : writeIdx(
          Uint8Array.from({ length: n }, (_, i) => i % 10),
          [n],
        );
    const gz = gzipSync(idx);
    files[`mnist/${f}.idx.gz`] = options.encoding === 'gzip' ? idx : gz; // a server that inflated it
    entries[f] = { path: `mnist/${f}.idx.gz`, bytes: gz.length };
  }
  manifest.datasets.mnist = { files: entries };
  const fetchFn = (async (url: string) => {
    const path = new URL(url).pathname.replace(/^\/data\//, '');
    if (path === 'datasets.json') return new Response(JSON.stringify(manifest));
    const body = files[path];
    return body
      ? new Response(body as Uint8Array<ArrayBuffer>)
      : new Response('no', { status: 404, statusText: 'Not Found' });
  }) as typeof fetch;
  return { fetchFn, total: Object.values(entries).reduce((s, e) => s + e.bytes, 0) };
}

describe('playground data', () => {
  it('writeIdx is the inverse of readIdx', () => {
    const data = Uint8Array.from({ length: 24 }, (_, i) => 10 * i);
    const idx = readIdx(writeIdx(data, [2, 3, 4]));
    expect(idx.dims).toEqual([2, 3, 4]);
    expect(Array.from(idx.data)).toEqual(Array.from(data));
    expect(() => writeIdx(data, [5])).toThrow('dims [5] hold 5 values, got 24');
  });

  it('loads the served files with progress, and splits off the validation images', async () => {
    const { fetchFn, total } = site();
    const progress: DataProgress[] = [];
    const d = await loadData('http://site/data/', 'mnist', (p) => progress.push(p), {
      fetch: fetchFn,
      validation: 5,
    });
    expect([d.train.count, d.val.count, d.test.count]).toEqual([15, 5, 10]);
    expect([d.test.height, d.test.width, d.test.channels]).toEqual([4, 4, 1]);
    expect(d.test.classes).toHaveLength(10);
    expect(Array.from(d.test.labels)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(progress[0]).toEqual({ loaded: 0, total });
    expect(progress.at(-1)).toEqual({ loaded: total, total });
    expect(progress.every((p, i) => i === 0 || p.loaded >= progress[i - 1].loaded)).toBe(true);
    // The split is seeded: the same on every load.
    const again = await loadData('http://site/data/', 'mnist', undefined, { fetch: fetchFn, validation: 5 });
    expect(Array.from(again.val.labels)).toEqual(Array.from(d.val.labels));
  });

  it('takes files a server already inflated (Content-Encoding: gzip)', async () => {
    const { fetchFn } = site({ encoding: 'gzip' });
    const d = await loadData('http://site/data/', 'mnist', undefined, { fetch: fetchFn, validation: 5 });
    expect(d.test.count).toBe(10);
    const raw = new Uint8Array([0, 0, 8, 1, 0, 0, 0, 0]);
    expect(await inflate(raw)).toBe(raw);
  });

  it('says what is missing', async () => {
    const { fetchFn } = site();
    await expect(
      loadData('http://site/data/', 'fashion-mnist', undefined, { fetch: fetchFn }),
    ).rejects.toThrow("dataset 'fashion-mnist' is not served (have: mnist)");
    await expect(loadData('http://site/nothing/', 'mnist', undefined, { fetch: fetchFn })).rejects.toThrow(
      'cannot fetch http://site/nothing/datasets.json: HTTP 404 Not Found',
    );
  });
});
