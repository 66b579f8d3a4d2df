export { type Batch, type BatchOptions, batchCount, batches } from './batches';
export { classCounts, createDataset, type Dataset, type SplitOptions, slice, split, subset } from './dataset';
export { FASHION_MNIST_CLASSES, type LoadFashionMnistOptions, loadFashionMnist } from './fashion-mnist';
export { type IdxArray, readIdx } from './idx';
export { type LoadMnistOptions, loadMnist, MNIST_CLASSES, type Split } from './mnist';
