import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createDataset, type Dataset } from './dataset';
import type { Split } from './mnist';

/** CIFAR-10 class names, by label (the order of `batches.meta.txt`). */
export const CIFAR10_CLASSES: readonly string[] = [
  'airplane',
  'automobile',
  'bird',
  'cat',
  'deer',
  'dog',
  'frog',
  'horse',
  'ship',
  'truck',
];

/** CIFAR-100 fine class names, by fine label (the order of `fine_label_names.txt`, alphabetical). */
export const CIFAR100_CLASSES: readonly string[] = (
  'apple aquarium_fish baby bear beaver bed bee beetle bicycle bottle bowl boy bridge bus butterfly camel ' +
  'can castle caterpillar cattle chair chimpanzee clock cloud cockroach couch crab crocodile cup dinosaur ' +
  'dolphin elephant flatfish forest fox girl hamster house kangaroo keyboard lamp lawn_mower leopard lion ' +
  'lizard lobster man maple_tree motorcycle mountain mouse mushroom oak_tree orange orchid otter palm_tree ' +
  'pear pickup_truck pine_tree plain plate poppy porcupine possum rabbit raccoon ray road rocket rose sea ' +
  'seal shark shrew skunk skyscraper snail snake spider squirrel streetcar sunflower sweet_pepper table ' +
  'tank telephone television tiger tractor train trout tulip turtle wardrobe whale willow_tree wolf woman worm'
).split(' ');

/** CIFAR-100 coarse (superclass) names, by coarse label (the order of `coarse_label_names.txt`). */
export const CIFAR100_COARSE_CLASSES: readonly string[] = (
  'aquatic_mammals fish flowers food_containers fruit_and_vegetables household_electrical_devices ' +
  'household_furniture insects large_carnivores large_man-made_outdoor_things large_natural_outdoor_scenes ' +
  'large_omnivores_and_herbivores medium_mammals non-insect_invertebrates people reptiles small_mammals ' +
  'trees vehicles_1 vehicles_2'
).split(' ');

const PIXELS = 32 * 32 * 3;

/** Options of {@link readCifar}. */
export interface ReadCifarOptions {
  /** `'cifar10'`: records of 1 label byte + 3072 pixel bytes; `'cifar100'`: coarse label, fine label, 3072 pixels. */
  format: 'cifar10' | 'cifar100';
  /** Which CIFAR-100 label becomes `labels` (and which names `classes`). Default `'fine'` (100 classes). Ignored for CIFAR-10. */
  labels?: 'fine' | 'coarse';
  /** What to call the bytes in error messages (a path). Default `'CIFAR buffer'`. */
  name?: string;
}

/**
 * Parses a file of the CIFAR binary version (Krizhevsky, 2009) into a 32×32×3 uint8 `Dataset`.
 *
 * A CIFAR-10 record is 1 label byte (0–9) then 3072 pixel bytes; a CIFAR-100 record is a coarse label
 * (0–19), a fine label (0–99), then 3072 pixel bytes. The pixels are three 32×32 planes, red, green
 * then blue, each row-major (CHW); they are reordered to NHWC. A size that is not a whole number of
 * records, or a label out of range, is an error naming the file (nothing is returned).
 *
 * @example
 * const test = readCifar(readFileSync(path), { format: 'cifar10', name: path }); // 10,000 images
 */
export function readCifar(bytes: Uint8Array, options: ReadCifarOptions): Dataset {
  const { format, name = 'CIFAR buffer' } = options;
  const labelsKind = options.labels ?? 'fine';
  if (format !== 'cifar10' && format !== 'cifar100') {
    throw new Error(`readCifar: format must be 'cifar10' or 'cifar100', got '${format}'`);
  }
  if (labelsKind !== 'fine' && labelsKind !== 'coarse') {
    throw new Error(`readCifar: labels must be 'fine' or 'coarse', got '${labelsKind}'`);
  }
  const where = `readCifar(${name})`;
  const count = checkSize(bytes.length, format, where);
  const images = new Uint8Array(count * PIXELS);
  const labels = new Uint8Array(count);
  decodeRecords(bytes, format, labelsKind, where, images, labels, 0);
  return createDataset({
    images,
    labels,
    height: 32,
    width: 32,
    channels: 3,
    classes: classesOf(format, labelsKind),
  });
}

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
  return createDataset({
    images,
    labels,
    height: 32,
    width: 32,
    channels: 3,
    classes: classesOf(format, labelsKind),
  });
}

function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
}

function classesOf(format: 'cifar10' | 'cifar100', labels: 'fine' | 'coarse'): readonly string[] {
  if (format === 'cifar10') return CIFAR10_CLASSES;
  return labels === 'fine' ? CIFAR100_CLASSES : CIFAR100_COARSE_CLASSES;
}

/** Number of records in a file of `size` bytes, or an error naming the file (`where`) and what is wrong. */
function checkSize(size: number, format: 'cifar10' | 'cifar100', where: string): number {
  const record = format === 'cifar10' ? 1 + PIXELS : 2 + PIXELS;
  const other = format === 'cifar10' ? 2 + PIXELS : 1 + PIXELS;
  if (size > 0 && size % record === 0) return size / record;
  let hint = '';
  if (size > 0 && size % other === 0) {
    hint = `; it is a whole number of ${other}-byte records: a ${format === 'cifar10' ? 'CIFAR-100' : 'CIFAR-10'} file?`;
  } else if (/\.(gz|tgz|tar)\)?$/i.test(where)) {
    hint = '; extract the archive first';
  } else if (size > 0) {
    hint = `; truncated or not a CIFAR binary file (${size % record} bytes past the last whole record)`;
  }
  const layout = format === 'cifar10' ? '1 label + 3072 pixels' : 'coarse label + fine label + 3072 pixels';
  throw new Error(
    `${where}: file is ${size} bytes, not a positive multiple of the ${record}-byte ${format === 'cifar10' ? 'CIFAR-10' : 'CIFAR-100'} record (${layout})${hint}`,
  );
}

/** Writes the records of `bytes` into `images` (NHWC) and `labels`, starting at sample `at`. */
function decodeRecords(
  bytes: Uint8Array,
  format: 'cifar10' | 'cifar100',
  labelsKind: 'fine' | 'coarse',
  where: string,
  images: Uint8Array,
  labels: Uint8Array,
  at: number,
): void {
  const head = format === 'cifar10' ? 1 : 2;
  const record = head + PIXELS;
  const count = bytes.length / record;
  // CIFAR-10: byte 0 is the label. CIFAR-100: byte 0 coarse, byte 1 fine.
  const labelByte = format === 'cifar10' ? 0 : labelsKind === 'coarse' ? 0 : 1;
  const limits = format === 'cifar10' ? [10] : [20, 100];
  const plane = 32 * 32;
  for (let r = 0; r < count; r++) {
    const base = r * record;
    for (let b = 0; b < head; b++) {
      const v = bytes[base + b];
      if (v >= limits[b]) {
        const what = format === 'cifar10' ? 'label' : b === 0 ? 'coarse label' : 'fine label';
        throw new Error(
          `${where}: record ${r} has ${what} ${v}, expected 0–${limits[b] - 1}: not a ${format === 'cifar10' ? 'CIFAR-10' : 'CIFAR-100'} file?`,
        );
      }
    }
    labels[at + r] = bytes[base + labelByte];
    const src = base + head;
    const dst = (at + r) * PIXELS;
    for (let p = 0; p < plane; p++) {
      images[dst + 3 * p] = bytes[src + p];
      images[dst + 3 * p + 1] = bytes[src + plane + p];
      images[dst + 3 * p + 2] = bytes[src + 2 * plane + p];
    }
  }
}
