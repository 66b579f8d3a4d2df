import { Conv2d, checkImage, layerRng, MaxPool2d, Sequential, seedConfig } from '@convkit/core';
import { Dropout } from '@convkit/regularization';
import type { Tensor } from '@tensorflow/tfjs-core';
import { MNIST, PAPERS } from './cfgs';
import { LinearHeadModel } from './linear-head';
import {
  classifier,
  createActivation,
  type FeatureInfo,
  MODEL_KEYS,
  type ModelOptions,
  resolveModelOptions,
  scaleWidth,
  sequentialStages,
} from './model';
import { checkKnownKeys } from './names';
import type { ModelFamily } from './registry';

/** Options of {@link MnistCnn}. */
export type MnistCnnConfig = ModelOptions;

/** {@link MnistCnn}'s resolved options: every default filled in, `rng` only as a numeric seed. */
export type ResolvedMnistCnnConfig = Required<Omit<MnistCnnConfig, 'rng'>> & { rng?: number };

/**
 * The small CNN of `examples/mnist` for 28×28 digits, LeNet-like: two conv blocks and a linear
 * classifier, 11,274 parameters and ~0.8 M multiply-adds per image at the defaults:
 *
 *   [N,28,28,1] → Conv2d(1→8, 5, pad 2) → ReLU → MaxPool 2 → [N,14,14,8]
 *              → Conv2d(8→16, 5, pad 2) → ReLU → MaxPool 2 → [N,7,7,16] → Flatten → Linear(784→10)
 *
 * Keys: `features.0`, `features.3`, `fc`; PyTorch's default init. With a numeric `rng` the weights are
 * those the example always had (`rng.fork()` per layer, in order).
 *
 * Options (defaults): `numClasses` 10, `inChannels` 1, `activation` 'relu', `dropRate` 0 (dropout before
 * `fc`), `widthMultiplier` 1 (the 8 and 16 conv widths), `rng` a fresh seed. Input: 28×28 only.
 *
 * @example
 * const net = mnistCnn({ rng: 0 });
 * net.call(x); // [64, 28, 28, 1] → [64, 10]
 */
export class MnistCnn extends LinearHeadModel {
  static readonly className = 'MnistCnn';
  override readonly options: ResolvedMnistCnnConfig;
  readonly features: Sequential;
  private readonly widths: [number, number];

  constructor(config: MnistCnnConfig = {}) {
    super();
    checkKnownKeys('MnistCnn', config, MODEL_KEYS);
    const c: ResolvedMnistCnnConfig = {
      ...resolveModelOptions('MnistCnn', config, { numClasses: 10, inChannels: 1, dropRate: 0 }),
      ...seedConfig(config.rng, 'MnistCnn'),
    };
    this.options = c;
    const rng = layerRng(config.rng, 'MnistCnn');
    const [w1, w2] = [scaleWidth(8, c.widthMultiplier), scaleWidth(16, c.widthMultiplier)];
    this.widths = [w1, w2];
    this.features = this.addModule(
      'features',
      new Sequential(
        new Conv2d({ inChannels: c.inChannels, outChannels: w1, kernelSize: 5, padding: 2, rng: rng.fork() }),
        createActivation(c.activation),
        new MaxPool2d({ kernelSize: 2 }),
        new Conv2d({ inChannels: w1, outChannels: w2, kernelSize: 5, padding: 2, rng: rng.fork() }),
        createActivation(c.activation),
        new MaxPool2d({ kernelSize: 2 }),
      ),
    );
    const fcRng = rng.fork();
    const drop = c.dropRate > 0 ? new Dropout({ p: c.dropRate, rng: rng.fork() }) : null;
    this.setHead(drop, classifier(7 * 7 * w2, c.numClasses, fcRng));
  }

  get numFeatures(): number {
    return 7 * 7 * this.widths[1];
  }

  override torchFlattenShapes(): Record<string, [number, number, number]> {
    return { fc: [7, 7, this.widths[1]] };
  }

  forwardFeatures(x: Tensor): Tensor {
    checkImage('MnistCnn', x, this.options.inChannels);
    if (x.shape[1] !== 28 || x.shape[2] !== 28) {
      throw new Error(
        `MnistCnn: expected 28×28 images, got [${x.shape}] — resize, or use resnet18_mnist for other sizes`,
      );
    }
    return this.features.call(x);
  }

  /** The activation before each max-pool: reductions 1 and 2. */
  featureInfo(): FeatureInfo[] {
    return [
      { module: 'features.1', channels: this.widths[0], reduction: 1 },
      { module: 'features.4', channels: this.widths[1], reduction: 2 },
    ];
  }

  forwardStages(x: Tensor): Tensor[] {
    checkImage('MnistCnn', x, this.options.inChannels);
    return sequentialStages(this.features, x, new Set([1, 4]));
  }
}

/** The example's MNIST CNN. */
export const mnistCnn = (o?: MnistCnnConfig) => new MnistCnn(o);

/** The MNIST CNN in the zoo. */
export const MNIST_CNN: ModelFamily = {
  specificationVersion: 1,
  architecture: MnistCnn,
  models: [
    {
      name: 'mnist_cnn',
      create: mnistCnn,
      cfg: { ...MNIST, params: 11_274, macs: 791_840, paper: PAPERS.lenet },
      test: { widthUnit: 1 / 8 },
    },
  ],
};
