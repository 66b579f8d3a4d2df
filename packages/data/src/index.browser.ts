// The browser entry (the "browser" condition of package.json's exports): the Node entry's names, where
// the loaders that read files are stubs that say what to do instead. Nothing here imports node:*.
import type { loadFashionMnist as LoadFashionMnist } from './fashion-mnist';
import type { loadImageFolder as LoadImageFolder } from './image-folder';
import type { loadCifar10 as LoadCifar10, loadCifar100 as LoadCifar100 } from './load-cifar';
import type { loadMnist as LoadMnist } from './mnist';

export { type Batch, type BatchOptions, batchCount, batches } from './batches';
export {
  CIFAR10_CLASSES,
  CIFAR100_CLASSES,
  CIFAR100_COARSE_CLASSES,
  type ReadCifarOptions,
  readCifar,
} from './cifar';
export { FASHION_MNIST_CLASSES, MNIST_CLASSES } from './classes';
export { classCounts, createDataset, type Dataset, type SplitOptions, slice, split, subset } from './dataset';
export { type DecodedImage, decodeImage, MAX_IMAGE_PIXELS } from './decode';
export type { LoadFashionMnistOptions } from './fashion-mnist';
export { type IdxArray, readIdx } from './idx';
export type { ImageFolderDataset, ImageFolderProgress, LoadImageFolderOptions } from './image-folder';
export type { LoadCifar10Options, LoadCifar100Options } from './load-cifar';
export type { LoadMnistOptions, Split } from './mnist';
export { convertChannels, type ResizeOptions, resizeImage } from './resize';

/** What to do in a browser instead of each loader that reads files. */
const INSTEAD = {
  loadMnist: 'fetch the IDX files and build the dataset with readIdx and createDataset',
  loadFashionMnist: 'build the dataset with createDataset from pixels you fetch',
  loadCifar10: 'fetch the .bin files and parse each with readCifar(bytes, { format: "cifar10" })',
  loadCifar100: 'fetch the .bin files and parse each with readCifar(bytes, { format: "cifar100" })',
  loadImageFolder:
    'decode each fetched file with decodeImage, then convertChannels, resizeImage and createDataset',
};

/** A loader that needs a file system: in a browser it rejects, saying what to use instead. */
function nodeOnly(name: keyof typeof INSTEAD) {
  return (): Promise<never> =>
    Promise.reject(new Error(`${name} reads files and needs Node; in a browser, ${INSTEAD[name]}`));
}

export const loadMnist: typeof LoadMnist = nodeOnly('loadMnist');
export const loadFashionMnist: typeof LoadFashionMnist = nodeOnly('loadFashionMnist');
export const loadCifar10: typeof LoadCifar10 = nodeOnly('loadCifar10');
export const loadCifar100: typeof LoadCifar100 = nodeOnly('loadCifar100');
export const loadImageFolder: typeof LoadImageFolder = nodeOnly('loadImageFolder');
