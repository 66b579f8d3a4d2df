import type { ModelPaper } from './registry';

/** ImageNet (ILSVRC-2012) input: 224×224 RGB, torchvision's mean/std, 1000 classes. */
export const IMAGENET = {
  inputSize: [224, 224, 3] as [number, number, number],
  mean: [0.485, 0.456, 0.406],
  std: [0.229, 0.224, 0.225],
  numClasses: 1000,
};

/** CIFAR-10 input: 32×32 RGB, 10 classes (the train set's mean/std, as @convkit/augment's CIFAR10_STATS). */
export const CIFAR10 = {
  inputSize: [32, 32, 3] as [number, number, number],
  mean: [0.4914, 0.4822, 0.4465],
  std: [0.247, 0.2435, 0.2616],
  numClasses: 10,
};

/** MNIST input: 28×28 grayscale, 10 classes (mean 0.1307, std 0.3081). */
export const MNIST = {
  inputSize: [28, 28, 1] as [number, number, number],
  mean: [0.1307],
  std: [0.3081],
  numClasses: 10,
};

export const PAPERS = {
  alexnet: {
    title: 'One weird trick for parallelizing convolutional neural networks',
    authors: 'Krizhevsky',
    year: 2014,
    url: 'https://arxiv.org/abs/1404.5997',
  },
  vgg: {
    title: 'Very Deep Convolutional Networks for Large-Scale Image Recognition',
    authors: 'Simonyan, Zisserman',
    year: 2015,
    url: 'https://arxiv.org/abs/1409.1556',
  },
  resnet: {
    title: 'Deep Residual Learning for Image Recognition',
    authors: 'He, Zhang, Ren, Sun',
    year: 2016,
    url: 'https://arxiv.org/abs/1512.03385',
  },
  resnext: {
    title: 'Aggregated Residual Transformations for Deep Neural Networks',
    authors: 'Xie, Girshick, Dollár, Tu, He',
    year: 2017,
    url: 'https://arxiv.org/abs/1611.05431',
  },
  wideResnet: {
    title: 'Wide Residual Networks',
    authors: 'Zagoruyko, Komodakis',
    year: 2016,
    url: 'https://arxiv.org/abs/1605.07146',
  },
  lenet: {
    title: 'Gradient-Based Learning Applied to Document Recognition',
    authors: 'LeCun, Bottou, Bengio, Haffner',
    year: 1998,
    url: 'https://doi.org/10.1109/5.726791',
  },
} satisfies Record<string, ModelPaper>;
