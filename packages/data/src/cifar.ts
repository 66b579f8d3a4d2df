import { createDataset, type Dataset } from './dataset';

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

export const PIXELS = 32 * 32 * 3;

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
  return cifarDataset(images, labels, format, labelsKind);
}

/** A dataset of decoded CIFAR records: 32×32×3 images, their labels, the format's class names. */
export function cifarDataset(
  images: Uint8Array,
  labels: Uint8Array,
  format: 'cifar10' | 'cifar100',
  labelsKind: 'fine' | 'coarse',
): Dataset {
  return createDataset({
    images,
    labels,
    height: 32,
    width: 32,
    channels: 3,
    classes: classesOf(format, labelsKind),
  });
}

export function classesOf(format: 'cifar10' | 'cifar100', labels: 'fine' | 'coarse'): readonly string[] {
  if (format === 'cifar10') return CIFAR10_CLASSES;
  return labels === 'fine' ? CIFAR100_CLASSES : CIFAR100_COARSE_CLASSES;
}

/** Number of records in a file of `size` bytes, or an error naming the file (`where`) and what is wrong. */
export function checkSize(size: number, format: 'cifar10' | 'cifar100', where: string): number {
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
export function decodeRecords(
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
