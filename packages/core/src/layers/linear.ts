import { BRAND, checkOptions, checkPositiveInt, type Rng } from '@convkit/backend';
import { fanInBiasBound, kaimingUniform } from '@convkit/init';
import { matMul, reshape, type Tensor, type Variable } from '@tensorflow/tfjs-core';
import { checkFeatures } from '../checks';
import { Module } from '../module';
import { addBias } from '../ops/add';
import { layerRng, seedConfig } from './options';

/** {@link Linear}'s resolved options: every default filled in, `rng` only as a numeric seed. */
export type LinearConfig = Required<Omit<LinearOptions, 'rng'>> & { rng?: number };

/** Options of {@link Linear}. */
export interface LinearOptions {
  inFeatures: number;
  outFeatures: number;
  /** Add a learned bias. Default true. */
  bias?: boolean;
  /** Seed or generator for the initial weights. Default: a fresh random seed ({@link defaultRng}). */
  rng?: number | Rng;
}

/**
 * Fully connected layer, PyTorch's `nn.Linear`: `y = x·W + b`.
 *
 * `W [inFeatures, outFeatures]` (PyTorch stores the transpose), `b [outFeatures]`.
 * Options (defaults): `bias` true, `rng` a fresh random seed.
 * Init (PyTorch's): `W ~ kaimingUniform(a = √5) = U(±1/√inFeatures)`, `b ~ U(±1/√inFeatures)`,
 * `W` drawn first, then `b`.
 *
 * Shapes: `[..., inFeatures] → [..., outFeatures]` (rank ≥ 2).
 *
 * @example
 * const fc = new Linear({ inFeatures: 512, outFeatures: 10, rng: 1 });
 * fc.call(x); // [8, 512] → [8, 10]
 */
export class Linear extends Module {
  static readonly className = 'Linear';
  /** Checked by `instanceof Linear` across the ESM and CJS builds (see `Module`). */
  static override readonly [BRAND]: string = '@convkit/core.Linear';
  readonly weight: Variable;
  readonly bias: Variable | null;
  override readonly options: LinearConfig;

  constructor(options: LinearOptions) {
    super();
    checkOptions('Linear', options, ['inFeatures', 'outFeatures']);
    const label = `Linear(${options.inFeatures}→${options.outFeatures})`;
    this.options = {
      inFeatures: checkPositiveInt(label, 'inFeatures', options.inFeatures),
      outFeatures: checkPositiveInt(label, 'outFeatures', options.outFeatures),
      bias: options.bias ?? true,
      ...seedConfig(options.rng, label),
    };
    const { inFeatures, outFeatures } = this.options;
    const rng = layerRng(options.rng, label);
    const shape = [inFeatures, outFeatures];
    this.weight = this.addParameter('weight', kaimingUniform(shape, rng, { a: Math.sqrt(5) }));
    const bound = fanInBiasBound(shape);
    this.bias = this.options.bias
      ? this.addParameter('bias', rng.uniformTensor([outFeatures], -bound, bound))
      : null;
  }

  /** @deprecated Read `options.inFeatures`. */
  get inFeatures(): number {
    return this.options.inFeatures;
  }

  /** @deprecated Read `options.outFeatures`. */
  get outFeatures(): number {
    return this.options.outFeatures;
  }

  /** `Linear(in→out)`, used in error messages. */
  get label(): string {
    return `Linear(${this.options.inFeatures}→${this.options.outFeatures})`;
  }

  forward(x: Tensor): Tensor {
    const { inFeatures, outFeatures } = this.options;
    checkFeatures(this.label, x, inFeatures);
    const lead = x.shape.slice(0, -1);
    const x2 = x.rank === 2 ? x : reshape(x, [-1, inFeatures]);
    let y = matMul(x2, this.weight);
    if (this.bias) y = addBias(y, this.bias);
    return x.rank === 2 ? y : reshape(y, [...lead, outFeatures]);
  }
}
