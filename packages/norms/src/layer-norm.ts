import { Module, type ModuleConfig } from '@convkit/core';
import { ones, type Tensor, tidy, type Variable, zeros } from '@tensorflow/tfjs-core';
import { normalize } from './ops/normalize';

/** Options of `LayerNorm`. */
export interface LayerNormOptions {
  /** The trailing shape normalized over, e.g. `[H, W, C]` or `C`. */
  normalizedShape: number | number[];
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
  /** Learnable elementwise `weight` (init 1) and `bias` (init 0) of shape `normalizedShape` (default true). */
  elementwiseAffine?: boolean;
  /** With `elementwiseAffine`, whether to learn the bias too (default true). */
  bias?: boolean;
  /**
   * Run on the backend's fused normalization kernels where it has them (webgpu: fewer GPU launches,
   * see bench/RESULTS.md); false forces the composed ops. Same values either way (default true).
   */
  fused?: boolean;
}

/**
 * Layer normalization with PyTorch's semantics: per sample, over the trailing `normalizedShape` axes.
 *
 *   y = (x − E[x]) / sqrt(Var[x] + eps) · weight + bias   (E, biased Var over the trailing axes)
 *
 * For images in NHWC, `new LayerNorm({ normalizedShape: [H, W, C] })` is the lecture's LayerNorm (statistics over H, W, C of
 * each sample, independent of the batch size); `LayerNorm2d(C)` normalizes each position over C alone.
 * The same computation runs in train and eval (no running statistics).
 *
 * Options: `normalizedShape` (required), `eps` (1e-5), `elementwiseAffine` (true), `bias` (true), `fused` (true).
 *
 * Shapes: [..., *normalizedShape] → same.
 *
 * Ba, Kiros & Hinton, "Layer Normalization", 2016.
 *
 * @example
 * const ln = new LayerNorm({ normalizedShape: [8, 8, 32] });
 * const y = ln.call(x); // x: [N, 8, 8, 32]
 */
export class LayerNorm extends Module {
  static readonly className: string = 'LayerNorm';
  readonly normalizedShape: number[];
  readonly eps: number;
  readonly elementwiseAffine: boolean;
  readonly fused: boolean;
  private readonly withBias: boolean;
  readonly weight?: Variable;
  readonly bias?: Variable;

  constructor(options: LayerNormOptions) {
    super();
    const { normalizedShape } = options;
    this.normalizedShape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    if (!this.normalizedShape.length || this.normalizedShape.some((d) => !Number.isInteger(d) || d < 1)) {
      throw new Error(`${this.className}: invalid normalizedShape [${this.normalizedShape}]`);
    }
    this.eps = options.eps ?? 1e-5;
    this.elementwiseAffine = options.elementwiseAffine ?? true;
    this.withBias = options.bias ?? true;
    this.fused = options.fused ?? true;
    if (this.elementwiseAffine) {
      this.weight = this.addParameter('weight', ones(this.normalizedShape));
      if (this.withBias) this.bias = this.addParameter('bias', zeros(this.normalizedShape));
    }
  }

  forward(x: Tensor): Tensor {
    const k = this.normalizedShape.length;
    const tail = x.shape.slice(x.rank - k);
    if (x.rank < k || tail.some((d, i) => d !== this.normalizedShape[i])) {
      throw new Error(
        `${this.className}: Given normalized_shape=[${this.normalizedShape}], expected input with shape ` +
          `[*, ${this.normalizedShape.join(', ')}], but got input of size [${x.shape}]`,
      );
    }
    const axes = Array.from({ length: k }, (_, i) => x.rank - k + i);
    return tidy(() =>
      normalize(x, axes, this.eps, { weight: this.weight, bias: this.bias, fused: this.fused }),
    );
  }

  /** Names of this module's parameters an optimizer should not decay (see @convkit/regularization). */
  noWeightDecay(): string[] {
    return ['weight', 'bias'];
  }

  override toConfig(): ModuleConfig {
    return {
      className: this.className,
      config: {
        normalizedShape: this.normalizedShape,
        eps: this.eps,
        elementwiseAffine: this.elementwiseAffine,
        bias: this.withBias,
        fused: this.fused,
      },
    };
  }
}

/** Options of `LayerNorm2d`: `numChannels` (C) and LayerNorm's `eps`, `elementwiseAffine`, `bias`. */
export interface LayerNorm2dOptions extends Omit<LayerNormOptions, 'normalizedShape'> {
  numChannels: number;
}

/**
 * LayerNorm over the channels of each position of an NHWC map (ConvNeXt's LayerNorm2d). In NHWC it is
 * `LayerNorm({ normalizedShape: [C] })`; the class fixes the input to rank 4 and names the option after the channels.
 *
 * Shapes: [N, H, W, C] → same.
 *
 * @example
 * const norm = new LayerNorm2d({ numChannels: 96 });
 */
export class LayerNorm2d extends LayerNorm {
  static override readonly className = 'LayerNorm2d';
  readonly numChannels: number;

  constructor(options: LayerNorm2dOptions) {
    const { numChannels, ...rest } = options;
    super({ ...rest, normalizedShape: [numChannels] });
    this.numChannels = numChannels;
  }

  override forward(x: Tensor): Tensor {
    if (x.rank !== 4)
      throw new Error(`${this.className}: expected 4D input [N, H, W, C] (got ${x.rank}D input)`);
    return super.forward(x);
  }

  override toConfig(): ModuleConfig {
    const { normalizedShape: _, ...rest } = super.toConfig().config;
    return { className: this.className, config: { numChannels: this.numChannels, ...rest } };
  }
}
