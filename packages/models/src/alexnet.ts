import type { Rng } from '@convkit/backend';
import { Conv2d, Identity, Linear, layerRng, MaxPool2d, type Module, seedConfig } from '@convkit/core';
import { Dropout } from '@convkit/regularization';
import { IMAGENET, PAPERS } from './cfgs';
import { MlpHeadModel } from './mlp-head';
import { createActivation, MODEL_KEYS, type ModelOptions, resolveModelOptions, scaleWidth } from './model';
import { checkKnownKeys } from './names';
import type { ModelFamily } from './registry';

/** Options of {@link AlexNet}. */
export type AlexNetConfig = ModelOptions;

/** {@link AlexNet}'s resolved options: every default filled in, `rng` only as a numeric seed. */
export type ResolvedAlexNetConfig = Required<Omit<AlexNetConfig, 'rng'>> & { rng?: number };

/** The conv layers: [out channels, kernel, stride, padding, max-pool after]. */
const CONVS: [number, number, number, number, boolean][] = [
  [64, 11, 4, 2, true],
  [192, 5, 1, 2, true],
  [384, 3, 1, 1, false],
  [256, 3, 1, 1, false],
  [256, 3, 1, 1, true],
];

/**
 * AlexNet as torchvision builds it (the single-tower variant of Krizhevsky 2014), NHWC: five convs
 * (11×11/4, 5×5, three 3×3) with ReLU and three 3×3/2 max-pools, an adaptive average pool to 6×6 and a
 * classifier `Dropout, Linear(256·6·6 → 4096), ReLU, Dropout, Linear(4096 → 4096), ReLU, Linear(4096 → n)`.
 *
 * Keys are torchvision's (`features.0/3/6/8/10`, `classifier.1/4/6`); init is PyTorch's default for
 * every layer, as torchvision's. `classifier.1` reads NHWC (h, w, c) features; `loadTorchWeights`
 * permutes torchvision's (c, h, w) rows.
 *
 * Options (defaults): `numClasses` 1000 (0: no last linear), `inChannels` 3, `activation` 'relu',
 * `dropRate` 0.5, `widthMultiplier` 1 (convs and the 4096-wide hidden layers), `rng` a fresh seed.
 * Shapes: `[N, H, W, inChannels] → [N, numClasses]`, H, W ≥ 63. Stages: the activation before each
 * max-pool, reductions 4, 8, 16.
 *
 * @example
 * const net = alexnet({ numClasses: 10, rng: 0 });
 */
export class AlexNet extends MlpHeadModel {
  static readonly className = 'AlexNet';
  override readonly options: ResolvedAlexNetConfig;

  constructor(config: AlexNetConfig = {}) {
    super(6);
    checkKnownKeys('AlexNet', config, MODEL_KEYS);
    const c: ResolvedAlexNetConfig = {
      ...resolveModelOptions('AlexNet', config, { numClasses: 1000, inChannels: 3, dropRate: 0.5 }),
      ...seedConfig(config.rng, 'AlexNet'),
    };
    this.options = c;
    const rng = layerRng(config.rng, 'AlexNet');
    let channels = c.inChannels;
    let reduction = 1;
    for (const [width, kernelSize, stride, padding, pool] of CONVS) {
      const out = scaleWidth(width, c.widthMultiplier);
      this.features.add(
        new Conv2d({ inChannels: channels, outChannels: out, kernelSize, stride, padding, rng }),
      );
      this.features.add(createActivation(c.activation));
      channels = out;
      reduction *= stride;
      if (pool) {
        this.endStage(channels, reduction);
        this.features.add(new MaxPool2d({ kernelSize: 3, stride: 2 }));
        reduction *= 2;
      }
    }
    const hidden = scaleWidth(4096, c.widthMultiplier);
    this.setClassifier(channels, hidden, [
      new Dropout({ p: c.dropRate, rng: rng.fork() }),
      new Linear({ inFeatures: channels * 36, outFeatures: hidden, rng }),
      createActivation(c.activation),
      new Dropout({ p: c.dropRate, rng: rng.fork() }),
      new Linear({ inFeatures: hidden, outFeatures: hidden, rng }),
      createActivation(c.activation),
      this.lastLayer(hidden, c.numClasses, rng),
    ]);
  }

  /** `Linear(hidden → n)` with PyTorch's default init, or Identity for n = 0. */
  protected lastLayer(hidden: number, numClasses: number, rng: Rng): Module {
    return numClasses === 0
      ? new Identity()
      : new Linear({ inFeatures: hidden, outFeatures: numClasses, rng });
  }
}

/** torchvision's AlexNet. */
export const alexnet = (o?: AlexNetConfig) => new AlexNet(o);

/** AlexNet in the zoo (61,100,840 parameters, torchvision 0.14's). */
export const ALEXNET: ModelFamily = {
  specificationVersion: 1,
  architecture: AlexNet,
  models: [
    {
      name: 'alexnet',
      create: alexnet,
      cfg: {
        ...IMAGENET,
        params: 61_100_840,
        macs: 714_188_480,
        paper: PAPERS.alexnet,
        torchvision: 'alexnet',
      },
      test: { inputSize: [64, 64, 3], options: { widthMultiplier: 1 / 16 } },
    },
  ],
};
