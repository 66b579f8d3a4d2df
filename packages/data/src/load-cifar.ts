import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { checkSize, cifarDataset, decodeRecords, PIXELS } from './cifar';
import type { Dataset } from './dataset';
import type { Split } from './mnist';

/** Options of {@link loadCifar10}. */
export interface LoadCifar10Options {
  /**
   * The extracted `cifar-10-batches-bin` folder (`data_batch_1.bin` … `data_batch_5.bin`,
   * `test_batch.bin`), or a folder that contains it.
   */
  dir: string;
}

/** Options of {@link loadCifar100}. */
export interface LoadCifar100Options {
  /** The extracted `cifar-100-binary` folder (`train.bin`, `test.bin`), or a folder that contains it. */
  dir: string;
  /** Which label to use: `'fine'` (100 classes, default) or `'coarse'` (20 superclasses). */
  labels?: 'fine' | 'coarse';
}

const CIFAR10 = {
  folder: 'cifar-10-batches-bin',
  archive: 'cifar-10-binary.tar.gz',
  files: {
    train: [
      'data_batch_1.bin',
      'data_batch_2.bin',
      'data_batch_3.bin',
      'data_batch_4.bin',
      'data_batch_5.bin',
    ],
    test: ['test_batch.bin'],
  },
};
const CIFAR100 = {
  folder: 'cifar-100-binary',
  archive: 'cifar-100-binary.tar.gz',
  files: { train: ['train.bin'], test: ['test.bin'] },
};

/**
 * Loads CIFAR-10 from its binary version: 32×32×3 uint8 images of 10 classes, 50,000 for training
 * (`data_batch_1.bin` … `data_batch_5.bin`, in that order) and 10,000 for testing (`test_batch.bin`).
 *
 * The files are not on npm: download `cifar-10-binary.tar.gz` from the CIFAR page
 * (https://www.cs.toronto.edu/~kriz/cifar.html) and extract it. Every file's size is checked before
 * any is read; a bad file is an error naming it. Each call returns new arrays the caller owns.
 *
 * @example
 * const train = await loadCifar10('train', { dir: 'data/cifar-10-batches-bin' }); // 50,000 images
 */
export function loadCifar10(split: Split, options: LoadCifar10Options): Promise<Dataset> {
  return loadCifar('loadCifar10', 'cifar10', CIFAR10, split, options?.dir, 'fine');
}

/**
 * Loads CIFAR-100 from its binary version: 32×32×3 uint8 images, 50,000 for training (`train.bin`)
 * and 10,000 for testing (`test.bin`), labelled with the 100 fine classes or the 20 coarse ones.
 *
 * The files are not on npm: download `cifar-100-binary.tar.gz` from the CIFAR page
 * (https://www.cs.toronto.edu/~kriz/cifar.html) and extract it.
 *
 * @example
 * const test = await loadCifar100('test', { dir: 'data/cifar-100-binary', labels: 'coarse' });
 */
export function loadCifar100(split: Split, options: LoadCifar100Options): Promise<Dataset> {
  return loadCifar('loadCifar100', 'cifar100', CIFAR100, split, options?.dir, options?.labels ?? 'fine');
}

async function loadCifar(
  fn: string,
  format: 'cifar10' | 'cifar100',
  spec: typeof CIFAR10 | typeof CIFAR100,
  split: Split,
  dir: string | undefined,
  labelsKind: 'fine' | 'coarse',
): Promise<Dataset> {
  if (split !== 'train' && split !== 'test') {
    throw new Error(`${fn}: split must be 'train' or 'test', got '${split}'`);
  }
  if (labelsKind !== 'fine' && labelsKind !== 'coarse') {
    throw new Error(`${fn}: labels must be 'fine' or 'coarse', got '${labelsKind}'`);
  }
  const howToGet = `download ${spec.archive} from https://www.cs.toronto.edu/~kriz/cifar.html, extract it and pass the ${spec.folder} folder as { dir }`;
  if (typeof dir !== 'string' || dir === '') throw new Error(`${fn}: options.dir is required: ${howToGet}`);
  const names = spec.files[split];
  // Accept the folder itself or its parent (where the archive was extracted).
  const root = (await isFile(join(dir, names[0]))) ? dir : join(dir, spec.folder);
  const paths = names.map((n) => join(root, n));
  const sizes = await Promise.all(
    paths.map((p) =>
      stat(p).then(
        (s) => (s.isFile() ? s.size : -1),
        () => -1,
      ),
    ),
  );
  const missing = paths.filter((_, i) => sizes[i] < 0);
  if (missing.length > 0) throw new Error(`${fn}: cannot find ${missing.join(', ')}: ${howToGet}`);
  // Check every size before reading anything, so a bad file fails fast and nothing is half-built.
  const counts = paths.map((p, i) => checkSize(sizes[i], format, `${fn}: ${p}`));
  const total = counts.reduce((a, b) => a + b, 0);
  const images = new Uint8Array(total * PIXELS);
  const labels = new Uint8Array(total);
  let at = 0;
  for (let i = 0; i < paths.length; i++) {
    const bytes = await readFile(paths[i]);
    // The file may have changed since stat: the record count is checked again on the bytes read.
    if (checkSize(bytes.length, format, `${fn}: ${paths[i]}`) !== counts[i]) {
      throw new Error(`${fn}: ${paths[i]} changed size while loading`);
    }
    decodeRecords(bytes, format, labelsKind, `${fn}: ${paths[i]}`, images, labels, at);
    at += counts[i];
  }
  return cifarDataset(images, labels, format, labelsKind);
}

function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
}
