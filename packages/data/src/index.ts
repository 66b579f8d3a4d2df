export { type Batch, type BatchOptions, batchCount, batches } from './batches';
export {
  CIFAR10_CLASSES,
  CIFAR100_CLASSES,
  CIFAR100_COARSE_CLASSES,
  type LoadCifar10Options,
  type LoadCifar100Options,
  loadCifar10,
  loadCifar100,
  type ReadCifarOptions,
  readCifar,
} from './cifar';
export { classCounts, createDataset, type Dataset, type SplitOptions, slice, split, subset } from './dataset';
export { FASHION_MNIST_CLASSES, type LoadFashionMnistOptions, loadFashionMnist } from './fashion-mnist';
export { type IdxArray, readIdx } from './idx';
export { type LoadMnistOptions, loadMnist, MNIST_CLASSES, type Split } from './mnist';
