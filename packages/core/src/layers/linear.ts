import type { Rng } from '@convkit/backend';
import { fanInBiasBound, kaimingUniform } from '@convkit/init';
import { matMul, reshape, type Tensor, type Variable } from '@tensorflow/tfjs-core';
import { checkFeatures, checkPositiveInt } from '../checks';
import { Module, type ModuleConfig } from '../module';
import { addBias } from '../ops/add';
import { layerRng, seedConfig } from './options';

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
  readonly weight: Variable;
  readonly bias: Variable | null;
  readonly inFeatures: number;
  readonly outFeatures: number;
  private readonly seed: number | undefined;

  constructor(options: LinearOptions) {
    super();
    const label = `Linear(${options.inFeatures}→${options.outFeatures})`;
    this.inFeatures = checkPositiveInt(label, 'inFeatures', options.inFeatures);
    this.outFeatures = checkPositiveInt(label, 'outFeatures', options.outFeatures);
    this.seed = seedConfig(options.rng);
    const rng = layerRng(options.rng);
    const shape = [this.inFeatures, this.outFeatures];
    this.weight = this.addParameter('weight', kaimingUniform(shape, rng, { a: Math.sqrt(5) }));
    const bound = fanInBiasBound(shape);
    this.bias =
      (options.bias ?? true)
        ? this.addParameter('bias', rng.uniformTensor([this.outFeatures], -bound, bound))
        : null;
  }

  /** `Linear(in→out)`, used in error messages. */
  get label(): string {
    return `Linear(${this.inFeatures}→${this.outFeatures})`;
  }

  forward(x: Tensor): Tensor {
    checkFeatures(this.label, x, this.inFeatures);
    const lead = x.shape.slice(0, -1);
    const x2 = x.rank === 2 ? x : reshape(x, [-1, this.inFeatures]);
    let y = matMul(x2, this.weight);
    if (this.bias) y = addBias(y, this.bias);
    return x.rank === 2 ? y : reshape(y, [...lead, this.outFeatures]);
  }

  override toConfig(): ModuleConfig {
    return {
      className: this.className,
      config: {
        inFeatures: this.inFeatures,
        outFeatures: this.outFeatures,
        bias: this.bias !== null,
        ...(this.seed === undefined ? {} : { rng: this.seed }),
      },
    };
  }
}
