import { BRAND, checkOptions, checkPositiveInt, type Rng } from '@convkit/backend';
import { fanInBiasBound, kaimingUniform } from '@convkit/init';
import {
  add,
  engine,
  mul,
  type Tensor,
  type Tensor1D,
  type Tensor4D,
  tidy,
  type Variable,
} from '@tensorflow/tfjs-core';
import { checkImage, checkWindow } from '../checks';
import { Module } from '../module';
import { groupedConv2d } from '../ops/conv2d';
import { checkPadding, outputLength, type Padding2d, paddingConfig, pair, resolvePads } from '../ops/padding';
import { type ChannelAffine, FoldCache } from './fold';
import { layerRng, seedConfig, tupleConfig } from './options';

/** {@link Conv2d}'s resolved options: every default filled in, `rng` only as a numeric seed. */
export type Conv2dConfig = Required<Omit<Conv2dOptions, 'rng'>> & { rng?: number };

/** Options of {@link Conv2d}. */
export interface Conv2dOptions {
  inChannels: number;
  outChannels: number;
  kernelSize: number | [number, number];
  /** Default 1. */
  stride?: number | [number, number];
  /** A number or `[ph, pw]` (zero padding on both sides), `'same'` or `'valid'`. Default 0. */
  padding?: Padding2d;
  /** Default 1. */
  dilation?: number | [number, number];
  /** Channel groups; `groups = inChannels` is a depthwise conv. Default 1. */
  groups?: number;
  /** Add a learned per-channel bias. Default true. */
  bias?: boolean;
  /** Seed or generator for the initial weights. Default: a fresh random seed ({@link defaultRng}). */
  rng?: number | Rng;
}

/**
 * 2-D convolution over NHWC images, PyTorch's `nn.Conv2d`.
 *
 * `y = conv(x, W) + b` with `W` in HWIO layout `[kh, kw, inChannels / groups, outChannels]` and
 * `b [outChannels]`. Options (defaults): `stride` 1, `padding` 0, `dilation` 1, `groups` 1,
 * `bias` true, `rng` a fresh random seed.
 *
 * Init (PyTorch's): `W ~ kaimingUniform(a = √5) = U(±1/√fanIn)`, `b ~ U(±1/√fanIn)`,
 * `fanIn = kh·kw·inChannels/groups`; `W` is drawn first, then `b`, from the same generator.
 *
 * Shapes: `[N, H, W, inChannels] → [N, Ho, Wo, outChannels]`,
 * `Ho = floor((H + 2·ph - dh·(kh-1) - 1) / sh) + 1`.
 *
 * @example
 * const conv = new Conv2d({ inChannels: 3, outChannels: 16, kernelSize: 3, padding: 1, rng: 1 });
 * conv.call(x); // [8, 32, 32, 3] → [8, 32, 32, 16]
 */
export class Conv2d extends Module {
  static readonly className = 'Conv2d';
  /** Checked by `instanceof Conv2d` across the ESM and CJS builds (see `Module`). */
  static override readonly [BRAND]: string = '@convkit/core.Conv2d';
  readonly weight: Variable;
  readonly bias: Variable | null;
  override readonly options: Conv2dConfig;

  constructor(options: Conv2dOptions) {
    super();
    checkOptions('Conv2d', options, ['inChannels', 'outChannels', 'kernelSize']);
    const label = `Conv2d(${options.inChannels}→${options.outChannels})`;
    const inChannels = checkPositiveInt(label, 'inChannels', options.inChannels);
    const outChannels = checkPositiveInt(label, 'outChannels', options.outChannels);
    const groups = checkPositiveInt(label, 'groups', options.groups ?? 1);
    if (inChannels % groups !== 0 || outChannels % groups !== 0) {
      throw new Error(`${label}: groups=${groups} must divide inChannels and outChannels`);
    }
    const [kh, kw] = pair(options.kernelSize, `${label}: kernelSize`);
    const stride = pair(options.stride ?? 1, `${label}: stride`);
    const dilation = pair(options.dilation ?? 1, `${label}: dilation`);
    if (kh < 1 || kw < 1 || stride.some((s) => s < 1) || dilation.some((d) => d < 1)) {
      throw new Error(`${label}: kernelSize, stride and dilation must be >= 1`);
    }
    const padding = checkPadding(label, options.padding ?? 0);
    this.options = {
      inChannels,
      outChannels,
      kernelSize: tupleConfig(options.kernelSize),
      stride: tupleConfig(options.stride ?? 1),
      padding: paddingConfig(padding),
      dilation: tupleConfig(options.dilation ?? 1),
      groups,
      bias: options.bias ?? true,
      ...seedConfig(options.rng, label),
    };
    const rng = layerRng(options.rng, label);
    const shape = [kh, kw, inChannels / groups, outChannels];
    this.weight = this.addParameter('weight', kaimingUniform(shape, rng, { a: Math.sqrt(5) }));
    const bound = fanInBiasBound(shape);
    this.bias = this.options.bias
      ? this.addParameter('bias', rng.uniformTensor([outChannels], -bound, bound))
      : null;
  }

  /** `Conv2d(in→out)`, used in error messages. */
  get label(): string {
    return `Conv2d(${this.options.inChannels}→${this.options.outChannels})`;
  }

  forward(x: Tensor): Tensor {
    return this.convolve(x, this.weight as Tensor4D, (this.bias as Tensor1D | null) ?? undefined);
  }

  // The folded weights of `callFolded`, kept while the weights and the norm's inputs stay the same.
  private readonly folded = new FoldCache();

  /**
   * This convolution followed by `affine`'s per-channel y·scale + shift and, with `relu`, a ReLU, as
   * one convolution with folded weights W·scale and bias b·scale + shift (PyTorch's
   * `fuse_conv_bn_eval`; see `fold.ts`). The folded weights are kept ({@link FoldCache}) until this
   * conv's weight or bias or `affine`'s inputs change, so repeated inference reuses them (and the
   * backend's packed copy of them); `train()` and `dispose` free them. For evaluation only: it
   * throws under a gradient tape (no gradient could reach the parameters).
   *
   * @example
   * const y = conv.callFolded(x, bn, true); // relu(bn(conv(x))) with bn in eval mode
   */
  callFolded(x: Tensor, affine: ChannelAffine, relu: boolean): Tensor {
    this.checkLive('callFolded');
    if (engine().state.gradientDepth > 0) {
      throw new Error(`${this.label}.callFolded: not under a gradient tape (use call, then the norm's call)`);
    }
    const inputs = affine.channelAffineInputs(4, this.options.outChannels);
    if (inputs === null) {
      throw new Error(`${this.label}.callFolded: the module after it is not a per-channel affine map now`);
    }
    const { weight, bias } = this;
    const [filter, folded] = this.folded.get([weight, ...(bias ? [bias] : []), ...inputs], () => {
      const { scale, shift } = affine.channelAffine();
      return [mul(weight, scale), bias ? add(mul(bias, scale), shift) : shift];
    }) as [Tensor4D, Tensor1D];
    return tidy(() => this.convolve(x, filter, folded, relu ? 'relu' : undefined));
  }

  /** Training mode frees the folded weights (they are refolded at the next folded evaluation). */
  override train(mode = true): this {
    super.train(mode);
    if (this.training) this.folded.clear();
    return this;
  }

  override dispose(): void {
    this.folded.clear();
    super.dispose();
  }

  private convolve(x: Tensor, filter: Tensor4D, bias: Tensor1D | undefined, activation?: 'relu'): Tensor {
    checkImage(this.label, x, this.options.inChannels);
    const [kh, kw] = filter.shape;
    const s = pair(this.options.stride);
    const d = pair(this.options.dilation);
    const size = [x.shape[1], x.shape[2]] as [number, number];
    const pads = resolvePads(this.options.padding, size, [kh, kw], s, d);
    const out: [number, number] = [
      outputLength(size[0], pads[0], kh, s[0], d[0]),
      outputLength(size[1], pads[1], kw, s[1], d[1]),
    ];
    checkWindow(
      this.label,
      size,
      out,
      `a ${kh}×${kw} kernel (dilation ${d.join('×')}, padding ${pads.join('/')})`,
    );
    return groupedConv2d(x as Tensor4D, filter, {
      strides: s,
      padding: this.options.padding,
      dilations: d,
      groups: this.options.groups,
      bias,
      activation,
    });
  }
}
