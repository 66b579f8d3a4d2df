import { Conv2d, checkImage, layerRng, MaxPool2d, Sequential, seedConfig } from '@convkit/core';
import { type CreateNormOptions, createNorm, type NormName } from '@convkit/norms';
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
export interface MnistCnnConfig extends ModelOptions {
  /** A norm after each conv (before its activation): any `createNorm` name. Default `'none'`. */
  norm?: NormName;
  /** Options of the norms, e.g. `{ momentum: 0.1 }`. */
  normOptions?: CreateNormOptions;
}

const KEYS = [...MODEL_KEYS, 'norm', 'normOptions'];

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
 * those the example always had (`rng.fork()` per layer, in order). With a `norm`, each conv is followed
 * by it (as VGG's `_bn` models: the convs keep their bias), and the keys are `features.0` (conv),
 * `features.1` (norm), `features.4`, `features.5`, `fc`.
 *
 * Options (defaults): `numClasses` 10, `inChannels` 1, `activation` 'relu', `dropRate` 0 (dropout before
 * `fc`), `widthMultiplier` 1 (the 8 and 16 conv widths), `norm` 'none', `normOptions` {}, `rng` a fresh
 * seed. Input: 28×28 only.
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
  /** Indices in `features` of the activation before each max-pool. */
  private readonly stageIndices: [number, number];

  constructor(config: MnistCnnConfig = {}) {
    super();
    checkKnownKeys('MnistCnn', config, KEYS);
    const c: ResolvedMnistCnnConfig = {
      ...resolveModelOptions('MnistCnn', config, { numClasses: 10, inChannels: 1, dropRate: 0 }),
      norm: config.norm ?? 'none',
      normOptions: structuredClone(config.normOptions ?? {}),
      ...seedConfig(config.rng, 'MnistCnn'),
    };
    this.options = c;
    const rng = layerRng(config.rng, 'MnistCnn');
    const [w1, w2] = [scaleWidth(8, c.widthMultiplier), scaleWidth(16, c.widthMultiplier)];
    this.widths = [w1, w2];
    const features = new Sequential();
    const block = (inChannels: number, outChannels: number) => {
      features.add(new Conv2d({ inChannels, outChannels, kernelSize: 5, padding: 2, rng: rng.fork() }));
      if (c.norm !== 'none') features.add(createNorm(c.norm, outChannels, c.normOptions));
      features.add(createActivation(c.activation));
      const activation = features.length - 1;
      features.add(new MaxPool2d({ kernelSize: 2 }));
      return activation;
    };
    this.stageIndices = [block(c.inChannels, w1), block(w1, w2)];
    this.features = this.addModule('features', features);
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
    const [a, b] = this.stageIndices;
    return [
      { module: `features.${a}`, channels: this.widths[0], reduction: 1 },
      { module: `features.${b}`, channels: this.widths[1], reduction: 2 },
    ];
  }

  forwardStages(x: Tensor): Tensor[] {
    checkImage('MnistCnn', x, this.options.inChannels);
    return sequentialStages(this.features, x, new Set(this.stageIndices));
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
