// The Node entry. src/index.browser.ts is the browser's: the same names, without the file loaders'
// Node imports (keep the two lists in step; index.test.ts checks it).
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
export { type LoadFashionMnistOptions, loadFashionMnist } from './fashion-mnist';
export { type IdxArray, readIdx } from './idx';
export {
  type ImageFolderDataset,
  type ImageFolderProgress,
  type LoadImageFolderOptions,
  loadImageFolder,
} from './image-folder';
export { type LoadCifar10Options, type LoadCifar100Options, loadCifar10, loadCifar100 } from './load-cifar';
export { type LoadMnistOptions, loadMnist, type Split } from './mnist';
export { convertChannels, type ResizeOptions, resizeImage } from './resize';
