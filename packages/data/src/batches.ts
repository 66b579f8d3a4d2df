import { checkSeed, Rng, toRng } from '@convkit/backend';
import { type Tensor1D, type Tensor4D, tensor1d, tensor4d } from '@tensorflow/tfjs-core';
import type { Dataset } from './dataset';

/** Options of {@link batches}. */
export interface BatchOptions {
  /** Samples per batch. */
  batchSize: number;
  /** Visit the samples in a random order. Needs `seed` or `rng`. Default false. */
  shuffle?: boolean;
  /** Shuffle with a fresh `Rng(seed)`: the same order on every call. */
  seed?: number;
  /** Shuffle by drawing from this generator: a new order on every call (one per epoch), reproducible from its seed. */
  rng?: Rng;
  /** Drop the last batch when it has fewer than `batchSize` samples. Default false. */
  dropLast?: boolean;
  /**
   * Per-channel standardization applied after scaling to [0, 1]: x = (p/255 − mean) / std.
   * A number applies to every channel. Default: none (x = p/255).
   */
  normalize?: { mean: number | readonly number[]; std: number | readonly number[] };
}

/** One batch: images `[B, H, W, C]` float32 and labels `[B]` int32. The caller disposes both. */
export interface Batch {
  x: Tensor4D;
  y: Tensor1D;
}

/** How many batches {@link batches} yields for these options. */
export function batchCount(dataset: Dataset, options: Pick<BatchOptions, 'batchSize' | 'dropLast'>): number {
  checkBatchSize(options.batchSize, 'batchCount');
  const n = dataset.count / options.batchSize;
  return options.dropLast ? Math.floor(n) : Math.ceil(n);
}

function checkBatchSize(batchSize: number, fn: string): void {
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new Error(`${fn}: batchSize must be a positive integer, got ${batchSize}`);
  }
}

/**
 * Iterates over a dataset in batches of float32 NHWC tensors.
 *
 * Pixels are converted with a 256-entry lookup table per channel, x = (p/255 − mean)/std, in
 * JavaScript, so each batch costs two uploads and no intermediate tensors.
 * Tensors are created lazily, one batch per step: breaking out early leaks nothing.
 *
 * @example
 * for (const { x, y } of batches(train, { batchSize: 64, shuffle: true, rng })) {
 *   // ... train step ...
 *   x.dispose();
 *   y.dispose();
 * }
 */
export function* batches(dataset: Dataset, options: BatchOptions): Generator<Batch, void, undefined> {
  const { batchSize } = options;
  checkBatchSize(batchSize, 'batches');
  const { height: h, width: w, channels: c } = dataset;
  const size = h * w * c;
  const tables = lookupTables(c, options.normalize);
  let order: Int32Array | null = null;
  if (options.shuffle) {
    if (options.rng === undefined && options.seed === undefined) {
      throw new Error('batches: shuffle needs a seed or an rng (convkit has no hidden global random state)');
    }
    const rng =
      options.rng !== undefined
        ? toRng(options.rng, 'batches')
        : new Rng(checkSeed('batches', 'seed', options.seed));
    order = rng.permutation(dataset.count);
  }
  const total = batchCount(dataset, options);
  for (let b = 0; b < total; b++) {
    const start = b * batchSize;
    const n = Math.min(batchSize, dataset.count - start);
    const x = new Float32Array(n * size);
    const y = new Int32Array(n);
    for (let k = 0; k < n; k++) {
      const i = order ? order[start + k] : start + k;
      const src = i * size;
      const dst = k * size;
      for (let p = 0; p < size; p++) x[dst + p] = tables[p % c][dataset.images[src + p]];
      y[k] = dataset.labels[i];
    }
    yield { x: tensor4d(x, [n, h, w, c], 'float32'), y: tensor1d(y, 'int32') };
  }
}

function lookupTables(channels: number, normalize: BatchOptions['normalize']): Float32Array[] {
  const perChannel = (v: number | readonly number[], what: string): number[] => {
    if (typeof v === 'number') return new Array(channels).fill(v);
    if (v.length !== channels)
      throw new Error(`batches: normalize.${what} has ${v.length} values for ${channels} channels`);
    return [...v];
  };
  const mean = normalize ? perChannel(normalize.mean, 'mean') : new Array(channels).fill(0);
  const std = normalize ? perChannel(normalize.std, 'std') : new Array(channels).fill(1);
  // A NaN or infinite statistic would turn every pixel of that channel into NaN or 0 without a word.
  mean.forEach((m, ch) => {
    if (typeof m !== 'number' || !Number.isFinite(m)) {
      throw new Error(`batches: normalize.mean[${ch}] must be a finite number, got ${m}`);
    }
  });
  std.forEach((s, ch) => {
    if (typeof s !== 'number' || !Number.isFinite(s) || s <= 0) {
      throw new Error(`batches: normalize.std[${ch}] must be a finite number > 0, got ${s}`);
    }
  });
  return mean.map((m, ch) => {
    const t = new Float32Array(256);
    for (let p = 0; p < 256; p++) t[p] = (p / 255 - m) / std[ch];
    return t;
  });
}
