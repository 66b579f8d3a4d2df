// The page's choices and their defaults: plain data, imported by the page and the worker alike (the
// page's own bundle must not pull in tfjs and the models for them).

/** The datasets the page offers, by the name the page uses. */
export const DATASET_NAMES = ['mnist', 'fashion-mnist'] as const;
export type DatasetName = (typeof DATASET_NAMES)[number];

export const DATASET_TITLES: Record<DatasetName, string> = {
  mnist: 'MNIST',
  'fashion-mnist': 'Fashion-MNIST',
};

/** The zoo models the page offers (28×28×1 inputs). */
export const MODELS = ['mnist_cnn', 'resnet20_mnist'] as const;
export type PlaygroundModel = (typeof MODELS)[number];

/** The optimizers of @convkit/trainer's registry the page offers, with the options it adds. */
export const OPTIMIZERS = {
  SGD: { momentum: 0.9 },
  Adam: {},
  AdamW: {},
  RMSprop: {},
} as const;
export type OptimizerName = keyof typeof OPTIMIZERS;

/** What the form sets. */
export interface RunConfig {
  dataset: DatasetName;
  model: PlaygroundModel;
  optimizer: OptimizerName;
  lr: number;
  epochs: number;
  batchSize: number;
  augment: boolean;
  /** Training images used, at most the 55,000 the split leaves; 0: all of them. */
  trainImages: number;
  /** Validation images evaluated for each point of the validation curve (at most the 5,000 held out). */
  valImages: number;
  seed: number;
}

export const DEFAULT_CONFIG: RunConfig = {
  dataset: 'mnist',
  model: 'mnist_cnn',
  optimizer: 'Adam',
  lr: 2e-3,
  epochs: 2,
  batchSize: 64,
  augment: true,
  trainImages: 0,
  valImages: 1000,
  seed: 0,
};
