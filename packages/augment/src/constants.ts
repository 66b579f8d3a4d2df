/** Per-channel mean and standard deviation of a dataset's pixels in [0, 1] (RGB order). */
export interface NormalizationStats {
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

/** MNIST train set: mean 0.1307, std 0.3081. */
export const MNIST_STATS: NormalizationStats = Object.freeze({ mean: [0.1307], std: [0.3081] });

/** Fashion-MNIST train set: mean 0.2860, std 0.3530. */
export const FASHION_MNIST_STATS: NormalizationStats = Object.freeze({ mean: [0.286], std: [0.353] });

/** CIFAR-10 train set (RGB). */
export const CIFAR10_STATS: NormalizationStats = Object.freeze({
  mean: [0.4914, 0.4822, 0.4465],
  std: [0.247, 0.2435, 0.2616],
});

/** ImageNet (ILSVRC-2012) train set (RGB), the torchvision model-zoo constants. */
export const IMAGENET_STATS: NormalizationStats = Object.freeze({
  mean: [0.485, 0.456, 0.406],
  std: [0.229, 0.224, 0.225],
});

/** The built-in constants by name. */
export const DATASET_STATS = Object.freeze({
  mnist: MNIST_STATS,
  'fashion-mnist': FASHION_MNIST_STATS,
  cifar10: CIFAR10_STATS,
  imagenet: IMAGENET_STATS,
});
