import { checkPositiveInt, checkProbability } from '@convkit/backend';
import {
  checkImage,
  convNormAct,
  type FoldsNorms,
  GlobalAvgPool2d,
  layerRng,
  MaxPool2d,
  type Module,
  Sequential,
  seedConfig,
} from '@convkit/core';
import { type CreateNormOptions, createNorm, type NormName } from '@convkit/norms';
import { Dropout } from '@convkit/regularization';
import { type Tensor, tidy } from '@tensorflow/tfjs-core';
import { CIFAR10, IMAGENET, MNIST, PAPERS } from './cfgs';
import { LinearHeadModel } from './linear-head';
import {
  classifier,
  createActivation,
  type FeatureInfo,
  MODEL_KEYS,
  type ModelOptions,
  resolveModelOptions,
  scaleWidth,
} from './model';
import { checkKnownKeys } from './names';
import type { ModelCfg, ModelEntry, ModelFamily, ModelTestCfg } from './registry';
import { BasicBlock, Bottleneck, resnetConv } from './resnet-blocks';

/** The shape of a ResNet: block type, blocks per stage, stage widths, stem. */
export interface ResNetArch {
  /** `'basic'` (two 3×3 convs; ResNet-18/34) or `'bottleneck'` (1×1, 3×3, 1×1 ×4; ResNet-50 and up). */
  block: 'basic' | 'bottleneck';
  /** Blocks per stage, e.g. `[2, 2, 2, 2]`; the first stage keeps the resolution, each next one halves it. */
  layers: number[];
  /** Stage widths (`planes`; the stem has `widths[0]` channels). Default `[64, 128, 256, 512]`, one per stage. */
  widths?: number[];
  /** Groups of the bottleneck's 3×3 conv (ResNeXt's cardinality). Default 1. */
  groups?: number;
  /** Bottleneck width per group at planes 64 (ResNeXt-50 32×4d: 4; Wide-ResNet-50-2: 128). Default 64. */
  widthPerGroup?: number;
  /**
   * `'imagenet'` (default): 7×7 conv with stride 2 and a 3×3 max-pool with stride 2 (224×224 → 56×56);
   * `'small'`: one 3×3 conv with stride 1 and no pool, for 32×32 (CIFAR) and 28×28 (MNIST) inputs.
   */
  stem?: 'imagenet' | 'small';
}

/** Options of a ResNet besides its shape. */
export interface ResNetOptions extends ModelOptions {
  /** Any `createNorm` name (`'batch'`, `'group'`, `'layer'`, `'instance'`, `'layer2d'`, `'none'`). Default `'batch'`. */
  norm?: NormName;
  /** Options of every norm, e.g. `{ numGroups: 8 }`. */
  normOptions?: CreateNormOptions;
  /** Stochastic depth: block i of n drops its branch with probability `dropPathRate·i/(n−1)` (timm's rule). Default 0. */
  dropPathRate?: number;
  /** Start each block's last norm at weight 0, so every block starts as the identity (Goyal et al. 2017). Default false. */
  zeroInitResidual?: boolean;
}

/** `new ResNet(config)`: the shape and the options. */
export type ResNetConfig = ResNetArch & ResNetOptions;

const KEYS = [
  'block',
  'layers',
  'widths',
  'groups',
  'widthPerGroup',
  'stem',
  ...MODEL_KEYS,
  'norm',
  'normOptions',
  'dropPathRate',
  'zeroInitResidual',
];

/** {@link ResNet}'s resolved options: every default filled in, `rng` only as a numeric seed. */
export type ResolvedResNetConfig = Required<Omit<ResNetConfig, 'rng'>> & { rng?: number };

function resolve(c: ResNetConfig): ResolvedResNetConfig {
  checkKnownKeys('ResNet', c, KEYS, ['block', 'layers']);
  if (c.block !== 'basic' && c.block !== 'bottleneck') {
    throw new Error(`ResNet: block must be 'basic' or 'bottleneck', got ${JSON.stringify(c.block)}`);
  }
  if (!Array.isArray(c.layers) || c.layers.length === 0) {
    throw new Error(
      `ResNet: layers must list the blocks of each stage, e.g. [2, 2, 2, 2], got ${JSON.stringify(c.layers)}`,
    );
  }
  const layers = c.layers.map((n, i) => checkPositiveInt('ResNet', `layers[${i}]`, n));
  const widths = c.widths ?? [64, 128, 256, 512].slice(0, layers.length);
  if (widths.length !== layers.length) {
    throw new Error(
      `ResNet: widths needs one width per stage (${layers.length}), got ${JSON.stringify(c.widths)}`,
    );
  }
  const stem = c.stem ?? 'imagenet';
  if (stem !== 'imagenet' && stem !== 'small') {
    throw new Error(`ResNet: stem must be 'imagenet' or 'small', got ${JSON.stringify(stem)}`);
  }
  return {
    block: c.block,
    layers,
    widths: widths.map((w, i) => checkPositiveInt('ResNet', `widths[${i}]`, w)),
    groups: checkPositiveInt('ResNet', 'groups', c.groups ?? 1),
    widthPerGroup: checkPositiveInt('ResNet', 'widthPerGroup', c.widthPerGroup ?? 64),
    stem,
    ...resolveModelOptions('ResNet', c, { numClasses: 1000, inChannels: 3, dropRate: 0 }),
    norm: c.norm ?? 'batch',
    normOptions: structuredClone(c.normOptions ?? {}),
    dropPathRate: checkProbability('ResNet', 'dropPathRate', c.dropPathRate ?? 0),
    zeroInitResidual: c.zeroInitResidual ?? false,
    ...seedConfig(c.rng, 'ResNet'),
  };
}

/**
 * ResNet (He et al. 2016) as torchvision builds it, NHWC: a stem, stages of residual blocks, global
 * average pooling and a linear classifier. Covers ResNet-18/34/50/101/152, ResNeXt and Wide ResNets
 * (grouped / wider bottlenecks) and the small-image variants (3×3 stem, no max-pool).
 *
 * Children and state-dict keys are torchvision's: `conv1`, `bn1`, `layer1.0.conv1`, …,
 * `layer2.0.downsample.0`, `fc`. Init as torchvision: convs Kaiming normal (fan-out, ReLU gain), norms
 * weight 1 and bias 0 (0 for each block's last norm with `zeroInitResidual`), `fc` PyTorch's default.
 *
 * Options (defaults): `numClasses` 1000 (0: no classifier), `inChannels` 3, `norm` 'batch',
 * `activation` 'relu', `dropRate` 0 (dropout before `fc`), `dropPathRate` 0, `zeroInitResidual` false,
 * `widthMultiplier` 1 (scales the stem and stage widths), `rng` a fresh seed.
 *
 * Shapes: `[N, H, W, inChannels] → [N, numClasses]`; any H, W ≥ 32 with the ImageNet stem.
 *
 * @example
 * const net = new ResNet({ block: 'basic', layers: [2, 2, 2, 2], numClasses: 10, rng: 0 }); // resnet18
 * net.call(x); // [8, 224, 224, 3] → [8, 10]
 */
export class ResNet extends LinearHeadModel implements FoldsNorms {
  static readonly className = 'ResNet';
  override readonly options: ResolvedResNetConfig;
  /** Fold the stem's conv → norm → activation into one convolution in evaluation mode (`foldNorms`; default false). */
  foldInEval = false;
  readonly conv1: Module;
  readonly bn1: Module;
  readonly act1: Module;
  readonly maxpool: MaxPool2d | null;
  readonly stages: Sequential[] = [];
  readonly avgpool: GlobalAvgPool2d;
  private readonly stageChannels: number[] = [];

  constructor(config: ResNetConfig) {
    super();
    const c = resolve(config);
    this.options = c;
    const rng = layerRng(config.rng, 'ResNet');
    const widths = c.widths.map((w) => scaleWidth(w, c.widthMultiplier));
    const small = c.stem === 'small';
    const stem = widths[0];
    this.conv1 = this.addModule('conv1', resnetConv(c.inChannels, stem, small ? 3 : 7, small ? 1 : 2, rng));
    this.bn1 = this.addModule('bn1', createNorm(c.norm, stem, c.normOptions));
    this.act1 = this.addModule('act1', createActivation(c.activation));
    this.maxpool = small
      ? null
      : this.addModule('maxpool', new MaxPool2d({ kernelSize: 3, stride: 2, padding: 1 }));
    const Block = c.block === 'basic' ? BasicBlock : Bottleneck;
    const total = c.layers.reduce((a, b) => a + b, 0);
    let inChannels = stem;
    let index = 0;
    c.layers.forEach((blocks, s) => {
      const stage = new Sequential();
      for (let b = 0; b < blocks; b++) {
        stage.add(
          new Block({
            inChannels,
            planes: widths[s],
            stride: b === 0 && s > 0 ? 2 : 1,
            groups: c.groups,
            widthPerGroup: c.widthPerGroup,
            norm: c.norm,
            normOptions: c.normOptions,
            activation: c.activation,
            dropPath: total > 1 ? (c.dropPathRate * index) / (total - 1) : 0,
            zeroInitResidual: c.zeroInitResidual,
            rng,
          }),
        );
        inChannels = widths[s] * Block.expansion;
        index++;
      }
      this.stages.push(this.addModule(`layer${s + 1}`, stage));
      this.stageChannels.push(inChannels);
    });
    this.avgpool = this.addModule('avgpool', new GlobalAvgPool2d());
    const drop = c.dropRate > 0 ? new Dropout({ p: c.dropRate, rng: rng.fork() }) : null;
    this.setHead(drop, classifier(inChannels, c.numClasses, rng));
  }

  get numFeatures(): number {
    return this.stageChannels[this.stageChannels.length - 1];
  }

  private stem(x: Tensor): Tensor {
    checkImage(`ResNet(${this.options.block}, [${this.options.layers}])`, x, this.options.inChannels);
    return convNormAct(this, this.conv1, this.bn1, this.act1, x);
  }

  forwardFeatures(x: Tensor): Tensor {
    return tidy(() => {
      let y = this.stem(x);
      if (this.maxpool) y = this.maxpool.call(y);
      for (const stage of this.stages) y = stage.call(y);
      return y;
    });
  }

  /** Global average pooling before `flatten`. */
  protected override pool(features: Tensor): Tensor {
    return this.avgpool.call(features);
  }

  featureInfo(): FeatureInfo[] {
    const base = this.options.stem === 'small' ? 1 : 2;
    return [
      {
        module: 'act1',
        channels: scaleWidth(this.options.widths[0], this.options.widthMultiplier),
        reduction: base,
      },
      ...this.stageChannels.map((channels, s) => ({
        module: `layer${s + 1}`,
        channels,
        reduction: (this.maxpool ? base * 2 : base) * 2 ** s,
      })),
    ];
  }

  forwardStages(x: Tensor): Tensor[] {
    return tidy(() => {
      let y = this.stem(x);
      const out = [y];
      if (this.maxpool) y = this.maxpool.call(y);
      for (const stage of this.stages) {
        y = stage.call(y);
        out.push(y);
      }
      return out;
    });
  }
}

/** A ResNet of shape `arch` with `options` (options override the shape's fields). */
export function resNet(arch: ResNetArch, options: ResNetOptions = {}): ResNet {
  return new ResNet({ ...arch, ...options });
}

const basic = (layers: number[]): ResNetArch => ({ block: 'basic', layers });
const bottleneck = (layers: number[]): ResNetArch => ({ block: 'bottleneck', layers });
const small = (arch: ResNetArch, defaults: ResNetOptions): ResNetArch & ResNetOptions => ({
  ...arch,
  stem: 'small',
  ...defaults,
});
const CIFAR_DEFAULTS = { numClasses: 10 };
const MNIST_DEFAULTS = { numClasses: 10, inChannels: 1 };
/** The ResNets of He et al.'s CIFAR-10 experiments: 3 stages of 16, 32, 64 channels, 6n+2 layers. */
const cifarPaper = (n: number): ResNetArch => ({ block: 'basic', layers: [n, n, n], widths: [16, 32, 64] });

export const resnet18 = (o?: ResNetOptions) => resNet(basic([2, 2, 2, 2]), o);
export const resnet34 = (o?: ResNetOptions) => resNet(basic([3, 4, 6, 3]), o);
export const resnet50 = (o?: ResNetOptions) => resNet(bottleneck([3, 4, 6, 3]), o);
export const resnet101 = (o?: ResNetOptions) => resNet(bottleneck([3, 4, 23, 3]), o);
export const resnet152 = (o?: ResNetOptions) => resNet(bottleneck([3, 8, 36, 3]), o);
export const resnext50_32x4d = (o?: ResNetOptions) =>
  resNet({ ...bottleneck([3, 4, 6, 3]), groups: 32, widthPerGroup: 4 }, o);
export const wide_resnet50_2 = (o?: ResNetOptions) =>
  resNet({ ...bottleneck([3, 4, 6, 3]), widthPerGroup: 128 }, o);
export const resnet18_cifar = (o?: ResNetOptions) => resNet(small(basic([2, 2, 2, 2]), CIFAR_DEFAULTS), o);
export const resnet34_cifar = (o?: ResNetOptions) => resNet(small(basic([3, 4, 6, 3]), CIFAR_DEFAULTS), o);
export const resnet50_cifar = (o?: ResNetOptions) =>
  resNet(small(bottleneck([3, 4, 6, 3]), CIFAR_DEFAULTS), o);
export const resnet20_cifar = (o?: ResNetOptions) => resNet(small(cifarPaper(3), CIFAR_DEFAULTS), o);
export const resnet56_cifar = (o?: ResNetOptions) => resNet(small(cifarPaper(9), CIFAR_DEFAULTS), o);
export const resnet18_mnist = (o?: ResNetOptions) => resNet(small(basic([2, 2, 2, 2]), MNIST_DEFAULTS), o);
export const resnet20_mnist = (o?: ResNetOptions) => resNet(small(cifarPaper(3), MNIST_DEFAULTS), o);

/** The ImageNet-stem ResNets reduce 16×16 to 1×1 by their last stages. */
const IMAGENET_TEST: ModelTestCfg = { inputSize: [16, 16, 3], options: { widthMultiplier: 1 / 16 } };
/** The small-stem ResNets keep the input's resolution in the first stage: test them at 8×8. */
const CIFAR_TEST: ModelTestCfg = { inputSize: [8, 8, 3], options: { widthMultiplier: 1 / 16 } };
const MNIST_TEST: ModelTestCfg = { inputSize: [8, 8, 1], options: { widthMultiplier: 1 / 16 } };
/** He et al.'s CIFAR ResNets: widths 16, 32, 64. */
const PAPER_TEST: ModelTestCfg = { ...CIFAR_TEST, options: { widthMultiplier: 1 / 4 }, widthUnit: 1 / 16 };
const entry = (
  name: string,
  create: (o?: ResNetOptions) => ResNet,
  cfg: ModelCfg,
  test: ModelTestCfg = cfg.inputSize[0] === 224 ? IMAGENET_TEST : CIFAR_TEST,
): ModelEntry => ({ name, create, cfg, test });
const cifar = (params: number, macs: number): ModelCfg => ({
  ...CIFAR10,
  params,
  macs,
  paper: PAPERS.resnet,
});
const mnist = (params: number, macs: number): ModelCfg => ({ ...MNIST, params, macs, paper: PAPERS.resnet });
const imagenet = (params: number, macs: number, torchvision: string, paper = PAPERS.resnet): ModelCfg => ({
  ...IMAGENET,
  params,
  macs,
  paper,
  torchvision,
});

/** The ResNets of the zoo: torchvision's (parameter counts are torchvision 0.14's) and small-image ones. */
export const RESNET: ModelFamily = {
  specificationVersion: 1,
  architecture: ResNet,
  models: [
    entry('resnet18', resnet18, imagenet(11_689_512, 1_814_073_344, 'resnet18')),
    entry('resnet34', resnet34, imagenet(21_797_672, 3_663_761_408, 'resnet34')),
    entry('resnet50', resnet50, imagenet(25_557_032, 4_089_184_256, 'resnet50')),
    entry('resnet101', resnet101, imagenet(44_549_160, 7_801_405_440, 'resnet101')),
    entry('resnet152', resnet152, imagenet(60_192_808, 11_513_626_624, 'resnet152')),
    entry(
      'resnext50_32x4d',
      resnext50_32x4d,
      imagenet(25_028_904, 4_230_479_872, 'resnext50_32x4d', PAPERS.resnext),
      // 32 groups of 4 need widths of 128 channels: the test keeps 2 groups (still a grouped conv).
      {
        ...IMAGENET_TEST,
        options: { widthMultiplier: 1 / 16, widthPerGroup: 32, groups: 2 },
        widthUnit: 1 / 4,
      },
    ),
    entry(
      'wide_resnet50_2',
      wide_resnet50_2,
      imagenet(68_883_240, 11_398_021_120, 'wide_resnet50_2', PAPERS.wideResnet),
    ),
    entry('resnet18_cifar', resnet18_cifar, cifar(11_173_962, 555_422_720)),
    entry('resnet34_cifar', resnet34_cifar, cifar(21_282_122, 1_159_402_496)),
    entry('resnet50_cifar', resnet50_cifar, cifar(23_520_842, 1_297_829_888)),
    entry('resnet20_cifar', resnet20_cifar, cifar(272_474, 40_813_184), PAPER_TEST),
    entry('resnet56_cifar', resnet56_cifar, cifar(855_770, 125_747_840), PAPER_TEST),
    entry('resnet18_mnist', resnet18_mnist, mnist(11_172_810, 455_800_832), MNIST_TEST),
    entry('resnet20_mnist', resnet20_mnist, mnist(272_186, 31_021_952), {
      ...PAPER_TEST,
      inputSize: [8, 8, 1],
    }),
  ],
};
