import { checkPositiveInt, checkProbability, type Rng } from '@convkit/backend';
import {
  AdaptiveAvgPool2d,
  Conv2d,
  checkImage,
  Flatten,
  Identity,
  Linear,
  layerRng,
  MaxPool2d,
  type Module,
  Sequential,
  seedConfig,
} from '@convkit/core';
import { Dropout } from '@convkit/regularization';
import { type Tensor, tidy } from '@tensorflow/tfjs-core';
import { IMAGENET, PAPERS } from './cfgs';
import {
  checkMultiplier,
  checkNumClasses,
  createActivation,
  type FeatureInfo,
  type ForwardHeadOptions,
  type ModelOptions,
  scaleWidth,
  sequentialStages,
  ZooModel,
} from './model';
import { checkKnownKeys } from './names';
import type { ModelFamily } from './registry';

/** Options of {@link AlexNet}. */
export type AlexNetConfig = ModelOptions;

const KEYS = ['numClasses', 'inChannels', 'activation', 'dropRate', 'widthMultiplier', 'rng'];

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

/** The last classifier layer: `Linear(hidden → n)`, or Identity for n = 0. */
function lastLayer(hidden: number, numClasses: number, rng: Rng): Module {
  return numClasses === 0 ? new Identity() : new Linear({ inFeatures: hidden, outFeatures: numClasses, rng });
}

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
 * Shapes: `[N, H, W, inChannels] → [N, numClasses]`, H, W ≥ 63.
 *
 * @example
 * const net = alexnet({ numClasses: 10, rng: 0 });
 */
export class AlexNet extends ZooModel {
  static readonly className = 'AlexNet';
  override readonly options: ResolvedAlexNetConfig;
  readonly features: Sequential;
  readonly avgpool: AdaptiveAvgPool2d;
  readonly flatten: Flatten;
  private classifier: Sequential;
  private readonly hidden: number;
  private readonly lastChannels: number;
  private readonly stageEnds: { index: number; channels: number; reduction: number }[] = [];

  constructor(config: AlexNetConfig = {}) {
    super();
    checkKnownKeys('AlexNet', config, KEYS);
    const c: ResolvedAlexNetConfig = {
      numClasses: checkNumClasses('AlexNet', config.numClasses ?? 1000),
      inChannels: checkPositiveInt('AlexNet', 'inChannels', config.inChannels ?? 3),
      activation: config.activation ?? 'relu',
      dropRate: checkProbability('AlexNet', 'dropRate', config.dropRate ?? 0.5),
      widthMultiplier: checkMultiplier('AlexNet', config.widthMultiplier ?? 1),
      ...seedConfig(config.rng, 'AlexNet'),
    };
    this.options = c;
    const rng = layerRng(config.rng, 'AlexNet');
    this.features = new Sequential();
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
        this.stageEnds.push({ index: this.features.length - 1, channels, reduction });
        this.features.add(new MaxPool2d({ kernelSize: 3, stride: 2 }));
        reduction *= 2;
      }
    }
    this.lastChannels = channels;
    this.hidden = scaleWidth(4096, c.widthMultiplier);
    this.addModule('features', this.features);
    this.avgpool = this.addModule('avgpool', new AdaptiveAvgPool2d({ outputSize: 6 }));
    this.flatten = this.addModule('flatten', new Flatten());
    this.classifier = this.addModule(
      'classifier',
      new Sequential(
        new Dropout({ p: c.dropRate, rng: rng.fork() }),
        new Linear({ inFeatures: channels * 36, outFeatures: this.hidden, rng }),
        createActivation(c.activation),
        new Dropout({ p: c.dropRate, rng: rng.fork() }),
        new Linear({ inFeatures: this.hidden, outFeatures: this.hidden, rng }),
        createActivation(c.activation),
        lastLayer(this.hidden, c.numClasses, rng),
      ),
    );
  }

  get numClasses(): number {
    return this.options.numClasses;
  }

  get numFeatures(): number {
    return this.hidden;
  }

  get classifierName(): string {
    return 'classifier.6';
  }

  override torchFlattenShapes(): Record<string, [number, number, number]> {
    return { 'classifier.1': [6, 6, this.lastChannels] };
  }

  forwardFeatures(x: Tensor): Tensor {
    checkImage('AlexNet', x, this.options.inChannels);
    return this.features.call(x);
  }

  /** Pools to 6×6 and runs the classifier; `preLogits` stops before its last linear layer. */
  forwardHead(features: Tensor, options: ForwardHeadOptions = {}): Tensor {
    return tidy(() => {
      let y = this.flatten.call(this.avgpool.call(features));
      const layers = [...this.classifier];
      for (const layer of options.preLogits ? layers.slice(0, -1) : layers) y = layer.call(y);
      return y;
    });
  }

  /** The activation before each max-pool: reductions 4, 8, 16. */
  featureInfo(): FeatureInfo[] {
    return this.stageEnds.map(({ index, channels, reduction }) => ({
      module: `features.${index}`,
      channels,
      reduction,
    }));
  }

  forwardStages(x: Tensor): Tensor[] {
    checkImage('AlexNet', x, this.options.inChannels);
    return sequentialStages(this.features, x, new Set(this.stageEnds.map((s) => s.index)));
  }

  resetClassifier(numClasses: number, options: { rng?: number | Rng } = {}): void {
    checkNumClasses('AlexNet.resetClassifier', numClasses);
    const last = lastLayer(this.hidden, numClasses, layerRng(options.rng, 'AlexNet'));
    this.classifier = this.replaceLastLayer('classifier', this.classifier, last);
    this.options.numClasses = numClasses;
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
