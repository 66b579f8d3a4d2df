import { checkSeed, isRng, Rng } from '@convkit/backend';

/**
 * An in-memory image classification dataset: uint8 pixels in NHWC order plus uint8 labels.
 *
 * Sample `i` occupies `images[i·H·W·C, (i+1)·H·W·C)`; its label is `labels[i]`, in
 * `[0, classes.length)`. Pixels stay uint8 until batching (4× less memory than float32).
 */
export interface Dataset {
  /** Pixels, `count·height·width·channels` bytes, NHWC. */
  readonly images: Uint8Array;
  /** Class indices, `count` bytes. */
  readonly labels: Uint8Array;
  readonly count: number;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  /** Class names; `classes.length` is the number of classes. */
  readonly classes: readonly string[];
  /** Where each sample came from (e.g. its image file), `count` entries; kept by `subset`, `slice` and `split`. */
  readonly files?: readonly string[];
}

/**
 * Builds a `Dataset`, checking that the buffer sizes agree and every label is a valid class.
 *
 * @example
 * const ds = createDataset({ images, labels, height: 28, width: 28, channels: 1, classes: ['a', 'b'] });
 */
export function createDataset(fields: Omit<Dataset, 'count'> & { count?: number }): Dataset {
  const { images, labels, height, width, channels, classes, files } = fields;
  const count = fields.count ?? labels.length;
  const sampleSize = height * width * channels;
  if (![height, width, channels].every((d) => Number.isInteger(d) && d > 0)) {
    throw new Error(`createDataset: bad sample shape [${height}, ${width}, ${channels}]`);
  }
  if (labels.length !== count) {
    throw new Error(`createDataset: ${labels.length} labels for ${count} samples`);
  }
  if (images.length !== count * sampleSize) {
    throw new Error(
      `createDataset: images has ${images.length} bytes, expected ${count}·${height}·${width}·${channels} = ${count * sampleSize}`,
    );
  }
  if (classes.length < 1 || classes.length > 256) {
    throw new Error(`createDataset: need 1..256 classes, got ${classes.length}`);
  }
  if (files !== undefined && files.length !== count) {
    throw new Error(`createDataset: ${files.length} files for ${count} samples`);
  }
  for (let i = 0; i < count; i++) {
    if (labels[i] >= classes.length) {
      throw new Error(
        `createDataset: label ${labels[i]} of sample ${i} is not below ${classes.length} classes`,
      );
    }
  }
  return { images, labels, count, height, width, channels, classes, ...(files ? { files } : {}) };
}

/**
 * The samples at `indices`, in that order (copies the bytes).
 *
 * @example
 * const firstTen = subset(train, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
 */
export function subset(dataset: Dataset, indices: ArrayLike<number>): Dataset {
  const size = dataset.height * dataset.width * dataset.channels;
  const images = new Uint8Array(indices.length * size);
  const labels = new Uint8Array(indices.length);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    if (!Number.isInteger(i) || i < 0 || i >= dataset.count) {
      throw new Error(`subset: index ${i} out of range [0, ${dataset.count})`);
    }
    images.set(dataset.images.subarray(i * size, (i + 1) * size), k * size);
    labels[k] = dataset.labels[i];
  }
  const files = dataset.files && Array.from(indices, (i) => (dataset.files as readonly string[])[i]);
  return { ...dataset, images, labels, count: indices.length, ...(files ? { files } : {}) };
}

/**
 * Samples `[start, end)` as a view (no copy). `end` defaults to `count` and is clamped to it.
 *
 * @example
 * const first500 = slice(train, 0, 500);
 */
export function slice(dataset: Dataset, start: number, end = dataset.count): Dataset {
  const hi = Math.min(end, dataset.count);
  if (!Number.isInteger(start) || start < 0 || start > hi) {
    throw new Error(`slice: bad range [${start}, ${end}) for ${dataset.count} samples`);
  }
  const size = dataset.height * dataset.width * dataset.channels;
  return {
    ...dataset,
    images: dataset.images.subarray(start * size, hi * size),
    labels: dataset.labels.subarray(start, hi),
    count: hi - start,
    ...(dataset.files ? { files: dataset.files.slice(start, hi) } : {}),
  };
}

/** Options of {@link split}. */
export interface SplitOptions {
  /** Shuffle before splitting with this seed or rng. Default: no shuffle (split in order). */
  seed?: number | Rng;
}

/**
 * Splits a dataset in two disjoint parts, e.g. train / validation.
 *
 * `first` is a count (integer ≥ 1) or a fraction in (0, 1) of `count`, rounded down.
 * With a seed the samples are permuted first (the same seed gives the same split);
 * without one the first part is the first samples.
 *
 * @returns `[first, rest]`
 * @example
 * const [train, val] = split(full, 55_000, { seed: 0 });
 */
export function split(dataset: Dataset, first: number, options: SplitOptions = {}): [Dataset, Dataset] {
  const n = first > 0 && first < 1 ? Math.floor(first * dataset.count) : first;
  if (!Number.isInteger(n) || n < 0 || n > dataset.count) {
    throw new Error(
      `split: first must be a count in [0, ${dataset.count}] or a fraction in (0, 1), got ${first}`,
    );
  }
  if (options.seed === undefined) return [slice(dataset, 0, n), slice(dataset, n)];
  const rng = isRng(options.seed) ? options.seed : new Rng(checkSeed('split', 'seed', options.seed));
  const order = rng.permutation(dataset.count);
  return [subset(dataset, order.subarray(0, n)), subset(dataset, order.subarray(n))];
}

/** Number of samples per class, indexed by label. */
export function classCounts(dataset: Dataset): number[] {
  const counts = new Array<number>(dataset.classes.length).fill(0);
  for (let i = 0; i < dataset.count; i++) counts[dataset.labels[i]]++;
  return counts;
}
