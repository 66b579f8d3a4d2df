// Loads a dataset the datasets plugin serves (gzipped IDX files under data/) with progress, in the
// browser or in Node (fetch and DecompressionStream exist in both).
import {
  createDataset,
  type Dataset,
  FASHION_MNIST_CLASSES,
  MNIST_CLASSES,
  readIdx,
  split,
} from '@convkit/data';
import type { DataFile, DataManifest } from '../datasets-plugin';
import type { DatasetName } from './config';

/** What the page trains, validates and tries on. */
export interface LoadedData {
  name: DatasetName;
  /** The training images minus the validation ones. */
  train: Dataset;
  /** Held out of the training set, seeded: the validation curves. */
  val: Dataset;
  /** The dataset's own test set: "pick a test image". */
  test: Dataset;
}

/** Progress of {@link loadData}: compressed bytes fetched so far, of all four files. */
export interface DataProgress {
  loaded: number;
  total: number;
}

/** Images held out of the 60,000 training images for validation (the rest train). */
export const VALIDATION_IMAGES = 5000;

const CLASSES: Record<DatasetName, readonly string[]> = {
  mnist: MNIST_CLASSES,
  'fashion-mnist': FASHION_MNIST_CLASSES,
};

/** Reads a response's body to the end, reporting the bytes read. */
async function readAll(response: Response, onBytes: (n: number) => void): Promise<Uint8Array> {
  if (response.body === null) {
    const bytes = new Uint8Array(await response.arrayBuffer());
    onBytes(bytes.length);
    return bytes;
  }
  const chunks: Uint8Array[] = [];
  let length = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    length += value.length;
    onBytes(value.length);
  }
  const out = new Uint8Array(length);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

/**
 * The IDX bytes of a fetched file: inflated when they are gzip (magic 1f 8b), as they are unless a
 * server sent the .gz with `Content-Encoding: gzip` and the browser already inflated them.
 */
export async function inflate(bytes: Uint8Array): Promise<Uint8Array> {
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>])
    .stream()
    .pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/**
 * Fetches `name`'s four files from `baseUrl` (the site's `data/` folder), reporting progress over all
 * of them, and splits the training set into training and validation images (`validation` of them,
 * default 5,000; seed 0). `fetch` replaces the global one (tests).
 *
 * @example
 * const data = await loadData(new URL('data/', location.href).href, 'mnist', (p) => bar.value = p.loaded / p.total);
 */
export async function loadData(
  baseUrl: string,
  name: DatasetName,
  onProgress: (p: DataProgress) => void = () => {},
  options: { fetch?: typeof fetch; validation?: number } = {},
): Promise<LoadedData> {
  const fetchFn = options.fetch ?? fetch;
  const validation = options.validation ?? VALIDATION_IMAGES;
  const manifestUrl = new URL('datasets.json', baseUrl).href;
  const res = await fetchFn(manifestUrl);
  if (!res.ok) throw new Error(`cannot fetch ${manifestUrl}: HTTP ${res.status} ${res.statusText}`);
  const manifest = (await res.json()) as DataManifest;
  const entry = manifest.datasets[name];
  if (entry === undefined) {
    throw new Error(`dataset '${name}' is not served (have: ${Object.keys(manifest.datasets).join(', ')})`);
  }
  const files = Object.entries(entry.files) as [DataFile, { path: string; bytes: number }][];
  const total = files.reduce((s, [, f]) => s + f.bytes, 0);
  let loaded = 0;
  onProgress({ loaded, total });
  const read = await Promise.all(
    files.map(async ([file, { path }]) => {
      const url = new URL(path, baseUrl).href;
      const r = await fetchFn(url);
      if (!r.ok) throw new Error(`cannot fetch ${url}: HTTP ${r.status} ${r.statusText}`);
      const bytes = await readAll(r, (n) => {
        loaded += n;
        onProgress({ loaded: Math.min(loaded, total), total });
      });
      return [file, readIdx(await inflate(bytes), url)] as const;
    }),
  );
  const idx = Object.fromEntries(read) as Record<DataFile, ReturnType<typeof readIdx>>;
  const make = (images: ReturnType<typeof readIdx>, labels: ReturnType<typeof readIdx>) => {
    const [, height, width] = images.dims;
    return createDataset({
      images: images.data,
      labels: labels.data,
      height,
      width,
      channels: 1,
      classes: CLASSES[name],
    });
  };
  const full = make(idx['train-images'], idx['train-labels']);
  const [train, val] = split(full, full.count - validation, { seed: 0 });
  return { name, train, val, test: make(idx['test-images'], idx['test-labels']) };
}
