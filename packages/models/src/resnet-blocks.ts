import { checkOptions, type Rng } from '@convkit/backend';
import {
  Conv2d,
  convNormAct,
  type FoldsNorms,
  layerRng,
  Module,
  Sequential,
  seedConfig,
} from '@convkit/core';
import { kaimingNormal } from '@convkit/init';
import { type CreateNormOptions, createNorm, type NormName } from '@convkit/norms';
import { DropPath } from '@convkit/regularization';
import { add, type Tensor, zeros } from '@tensorflow/tfjs-core';
import { type ActivationName, createActivation } from './model';

/** Options of {@link BasicBlock} and {@link Bottleneck}. */
export interface ResNetBlockOptions {
  inChannels: number;
  /** The stage width: a BasicBlock outputs `planes` channels, a Bottleneck `4·planes`. */
  planes: number;
  /** Stride of the block's 3×3 conv (torchvision's placement, "ResNet v1.5"). Default 1. */
  stride?: number;
  /** Groups of the 3×3 conv (ResNeXt's cardinality; Bottleneck only). Default 1. */
  groups?: number;
  /** Bottleneck width per group at `planes` 64 (ResNeXt's d; Wide ResNet's 128). Default 64. */
  widthPerGroup?: number;
  /** Project the shortcut with a strided 1×1 conv and a norm (`downsample`). Default: when shapes differ. */
  downsample?: boolean;
  /** Default `'batch'`. */
  norm?: NormName;
  normOptions?: CreateNormOptions;
  /** Default `'relu'`. */
  activation?: ActivationName;
  /** Stochastic-depth probability of the residual branch. Default 0. */
  dropPath?: number;
  /** Start the branch's last norm at weight 0, so the block starts as the identity. Default false. */
  zeroInitResidual?: boolean;
  /** Seed or generator of the initial weights. */
  rng?: number | Rng;
}

/** A block's resolved options: every default filled in, `rng` only as a numeric seed. */
export type ResolvedResNetBlockOptions = Required<Omit<ResNetBlockOptions, 'rng'>> & { rng?: number };

/** A bias-free conv with torchvision's ResNet init: Kaiming normal, fan-out, ReLU gain. */
export function resnetConv(
  inChannels: number,
  outChannels: number,
  kernelSize: number,
  stride: number,
  rng: Rng,
  groups = 1,
): Conv2d {
  const conv = new Conv2d({
    inChannels,
    outChannels,
    kernelSize,
    stride,
    padding: (kernelSize - 1) / 2,
    groups,
    bias: false,
    rng,
  });
  const w = kaimingNormal(conv.weight.shape, rng, { mode: 'fanOut', nonlinearity: 'relu' });
  conv.weight.assign(w);
  w.dispose();
  return conv;
}

/** Sets a norm's weight to 0 (zero-init-residual); norms without a weight are left alone. */
function zeroWeight(norm: Module): void {
  const weight = norm.namedParameters().find(([name]) => name === 'weight')?.[1];
  if (!weight) return;
  const z = zeros(weight.shape);
  weight.assign(z);
  z.dispose();
}

function resolve(options: ResNetBlockOptions, expansion: number): ResolvedResNetBlockOptions {
  const who = expansion === 1 ? 'BasicBlock' : 'Bottleneck';
  const stride = options.stride ?? 1;
  return {
    inChannels: options.inChannels,
    planes: options.planes,
    stride,
    groups: options.groups ?? 1,
    widthPerGroup: options.widthPerGroup ?? 64,
    downsample: options.downsample ?? (stride !== 1 || options.inChannels !== options.planes * expansion),
    norm: options.norm ?? 'batch',
    normOptions: options.normOptions ?? {},
    activation: options.activation ?? 'relu',
    dropPath: options.dropPath ?? 0,
    zeroInitResidual: options.zeroInitResidual ?? false,
    ...seedConfig(options.rng, who),
  };
}

/** The shared part of the two blocks: the shortcut, drop-path, the sum and the activation. */
abstract class ResidualBlock extends Module implements FoldsNorms {
  override readonly options: ResolvedResNetBlockOptions;
  /** Fold each conv → norm (→ activation) into one convolution in evaluation mode (`foldNorms`; default false). */
  foldInEval = false;
  readonly downsample: Sequential | null;
  readonly act: Module;
  readonly dropPath: DropPath | null;

  constructor(options: ResNetBlockOptions, expansion: number, rng: Rng) {
    super();
    this.options = resolve(options, expansion);
    this.act = createActivation(this.options.activation);
    this.dropPath =
      this.options.dropPath > 0 ? new DropPath({ p: this.options.dropPath, rng: rng.fork() }) : null;
    this.downsample = this.options.downsample
      ? new Sequential(
          resnetConv(this.options.inChannels, this.options.planes * expansion, 1, this.options.stride, rng),
          createNorm(this.options.norm, this.options.planes * expansion, this.options.normOptions),
        )
      : null;
  }

  /** Registers the shortcut, activation and drop-path after the branch (torchvision's key order). */
  protected finish(lastNorm: Module): void {
    if (this.downsample) this.addModule('downsample', this.downsample);
    this.addModule('act', this.act);
    if (this.dropPath) this.addModule('dropPath', this.dropPath);
    if (this.options.zeroInitResidual) zeroWeight(lastNorm);
  }

  /** The residual branch. */
  protected abstract branch(x: Tensor): Tensor;

  forward(x: Tensor): Tensor {
    let out = this.branch(x);
    if (this.dropPath) out = this.dropPath.call(out);
    const shortcut = this.downsample ? this.downsample.call(x) : x;
    return this.act.call(add(out, shortcut));
  }
}

/**
 * ResNet's basic block (He et al. 2016), torchvision's `BasicBlock`:
 * `act(bn2(conv2(act(bn1(conv1(x))))) + shortcut(x))`, two 3×3 convs of `planes` channels, the first
 * with the stride; `shortcut` is the identity or `downsample` (1×1 conv with the stride, norm).
 *
 * Children (torchvision's names): `conv1`, `bn1`, `conv2`, `bn2`, `downsample.0`, `downsample.1`.
 * Shapes: `[N, H, W, inChannels] → [N, H/stride, W/stride, planes]`.
 *
 * @example
 * const block = new BasicBlock({ inChannels: 64, planes: 128, stride: 2, rng: 1 });
 */
export class BasicBlock extends ResidualBlock {
  static readonly className = 'BasicBlock';
  static readonly expansion = 1;
  readonly conv1: Conv2d;
  readonly bn1: Module;
  readonly conv2: Conv2d;
  readonly bn2: Module;

  constructor(options: ResNetBlockOptions) {
    const rng = layerRng(checkOptions('BasicBlock', options, ['inChannels', 'planes']).rng, 'BasicBlock');
    super(options, 1, rng);
    const { inChannels, planes, stride, norm, normOptions, groups, widthPerGroup } = this.options;
    if (groups !== 1 || widthPerGroup !== 64) {
      throw new Error(`BasicBlock: only groups 1 and widthPerGroup 64 (got ${groups}, ${widthPerGroup})`);
    }
    this.conv1 = this.addModule('conv1', resnetConv(inChannels, planes, 3, stride, rng));
    this.bn1 = this.addModule('bn1', createNorm(norm, planes, normOptions));
    this.conv2 = this.addModule('conv2', resnetConv(planes, planes, 3, 1, rng));
    this.bn2 = this.addModule('bn2', createNorm(norm, planes, normOptions));
    this.finish(this.bn2);
  }

  protected branch(x: Tensor): Tensor {
    const y = convNormAct(this, this.conv1, this.bn1, this.act, x);
    return convNormAct(this, this.conv2, this.bn2, undefined, y);
  }
}

/**
 * ResNet's bottleneck block, torchvision's `Bottleneck` ("ResNet v1.5": the stride is in the 3×3 conv):
 * 1×1 conv to `width` → 3×3 conv (stride, `groups`) → 1×1 conv to `4·planes`, a norm after each,
 * the activation after the first two and after the sum with the shortcut.
 * `width = floor(planes · widthPerGroup / 64) · groups`: ResNeXt-50 32×4d has groups 32 and
 * widthPerGroup 4, Wide-ResNet-50-2 widthPerGroup 128.
 *
 * Children (torchvision's names): `conv1`, `bn1`, `conv2`, `bn2`, `conv3`, `bn3`, `downsample.0`,
 * `downsample.1`. Shapes: `[N, H, W, inChannels] → [N, H/stride, W/stride, 4·planes]`.
 *
 * @example
 * const block = new Bottleneck({ inChannels: 256, planes: 64, rng: 1 });
 */
export class Bottleneck extends ResidualBlock {
  static readonly className = 'Bottleneck';
  static readonly expansion = 4;
  readonly conv1: Conv2d;
  readonly bn1: Module;
  readonly conv2: Conv2d;
  readonly bn2: Module;
  readonly conv3: Conv2d;
  readonly bn3: Module;

  constructor(options: ResNetBlockOptions) {
    const rng = layerRng(checkOptions('Bottleneck', options, ['inChannels', 'planes']).rng, 'Bottleneck');
    super(options, 4, rng);
    const { inChannels, planes, stride, norm, normOptions, groups, widthPerGroup } = this.options;
    const width = Math.floor((planes * widthPerGroup) / 64) * groups;
    if (width < groups) {
      throw new Error(
        `Bottleneck: width floor(planes·widthPerGroup/64)·groups is 0 for planes ${planes}, widthPerGroup ${widthPerGroup} — raise planes or widthPerGroup`,
      );
    }
    this.conv1 = this.addModule('conv1', resnetConv(inChannels, width, 1, 1, rng));
    this.bn1 = this.addModule('bn1', createNorm(norm, width, normOptions));
    this.conv2 = this.addModule('conv2', resnetConv(width, width, 3, stride, rng, groups));
    this.bn2 = this.addModule('bn2', createNorm(norm, width, normOptions));
    this.conv3 = this.addModule('conv3', resnetConv(width, planes * 4, 1, 1, rng));
    this.bn3 = this.addModule('bn3', createNorm(norm, planes * 4, normOptions));
    this.finish(this.bn3);
  }

  protected branch(x: Tensor): Tensor {
    let y = convNormAct(this, this.conv1, this.bn1, this.act, x);
    y = convNormAct(this, this.conv2, this.bn2, this.act, y);
    return convNormAct(this, this.conv3, this.bn3, undefined, y);
  }
}
