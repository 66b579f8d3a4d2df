import { checkOptions } from '@convkit/backend';
import type { ModuleConfig } from '@convkit/core';
import { ones, type Tensor, tidy, type Variable, zeros } from '@tensorflow/tfjs-core';
import { Norm, type NormOptions, resolveNormOptions } from './norm';
import { normalize } from './ops/normalize';

/** Options of `LayerNorm`, and `eps` and `fused`. */
export interface LayerNormOptions extends NormOptions {
  /** The trailing shape normalized over, e.g. `[H, W, C]` or `C`. */
  normalizedShape: number | number[];
  /** Learnable elementwise `weight` (init 1) and `bias` (init 0) of shape `normalizedShape` (default true). */
  elementwiseAffine?: boolean;
  /** With `elementwiseAffine`, whether to learn the bias too (default true). */
  bias?: boolean;
}

/** `LayerNorm`'s resolved options: every default filled in, `normalizedShape` as an array. */
export type LayerNormConfig = Required<LayerNormOptions> & { normalizedShape: number[] };

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
export class LayerNorm extends Norm {
  static readonly className: string = 'LayerNorm';
  override readonly options: LayerNormConfig;
  readonly weight?: Variable;
  readonly bias?: Variable;

  constructor(options: LayerNormOptions) {
    super();
    const shape = checkOptions(this.className, options, ['normalizedShape']).normalizedShape;
    const normalizedShape = typeof shape === 'number' ? [shape] : [...shape];
    if (!normalizedShape.length || normalizedShape.some((d) => !Number.isInteger(d) || d < 1)) {
      throw new Error(`${this.className}: invalid normalizedShape [${normalizedShape}]`);
    }
    const { eps, fused } = resolveNormOptions(this.className, options);
    const elementwiseAffine = options.elementwiseAffine ?? true;
    this.options = { normalizedShape, eps, elementwiseAffine, bias: options.bias ?? true, fused };
    if (elementwiseAffine) {
      this.weight = this.addParameter('weight', ones(normalizedShape));
      if (this.options.bias) this.bias = this.addParameter('bias', zeros(normalizedShape));
    }
  }

  /** @deprecated Read `options.normalizedShape`. */
  get normalizedShape(): number[] {
    return this.options.normalizedShape;
  }

  /** @deprecated Read `options.eps`. */
  get eps(): number {
    return this.options.eps;
  }

  /** @deprecated Read `options.elementwiseAffine`. */
  get elementwiseAffine(): boolean {
    return this.options.elementwiseAffine;
  }

  /** @deprecated Read `options.fused`. */
  get fused(): boolean {
    return this.options.fused;
  }

  forward(x: Tensor): Tensor {
    const { normalizedShape, eps, fused } = this.options;
    const k = normalizedShape.length;
    const tail = x.shape.slice(x.rank - k);
    if (x.rank < k || tail.some((d, i) => d !== normalizedShape[i])) {
      throw new Error(
        `${this.className}: Given normalized_shape=[${normalizedShape}], expected input with shape ` +
          `[*, ${normalizedShape.join(', ')}], but got input of size [${x.shape}]`,
      );
    }
    const axes = Array.from({ length: k }, (_, i) => x.rank - k + i);
    return tidy(() => normalize(x, axes, eps, { weight: this.weight, bias: this.bias, fused }));
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

  constructor(options: LayerNorm2dOptions) {
    const { numChannels, ...rest } = checkOptions('LayerNorm2d', options, ['numChannels']);
    super({ ...rest, normalizedShape: [numChannels] });
  }

  /** @deprecated Read `options.normalizedShape[0]`. */
  get numChannels(): number {
    return this.options.normalizedShape[0] as number;
  }

  override forward(x: Tensor): Tensor {
    if (x.rank !== 4)
      throw new Error(`${this.className}: expected 4D input [N, H, W, C] (got ${x.rank}D input)`);
    return super.forward(x);
  }

  /** Its constructor takes `numChannels` instead of LayerNorm's `normalizedShape`: so does its config. */
  override toConfig(): ModuleConfig {
    const { normalizedShape, ...rest } = super.toConfig().config;
    return { className: this.className, config: { numChannels: (normalizedShape as number[])[0], ...rest } };
  }
}
