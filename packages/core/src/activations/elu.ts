import { checkOptions } from '@convkit/backend';
import { add, elu, minimum, mul, relu, scalar, type Tensor } from '@tensorflow/tfjs-core';
import { Module } from '../module';

/** Options of {@link ELU}. */
export interface ELUOptions {
  /** Scale of the negative part. Default 1. */
  alpha?: number;
}

/**
 * Exponential linear unit: `y = x` for x > 0, `alpha·(exp(x) - 1)` otherwise. Any shape.
 * Clevert et al. 2016, "Fast and Accurate Deep Network Learning by Exponential Linear Units".
 *
 * tfjs's `elu` has alpha = 1; other alphas use `relu(x) + alpha·elu(min(x, 0))`, whose gradient
 * at 0 is alpha, as PyTorch's.
 *
 * @example
 * new ELU({ alpha: 0.5 }).call(x);
 */
export class ELU extends Module {
  static readonly className = 'ELU';
  override readonly options: Required<ELUOptions>;

  constructor(options: ELUOptions = {}) {
    super();
    checkOptions('ELU', options);
    const alpha = options.alpha ?? 1;
    if (!Number.isFinite(alpha)) throw new Error(`ELU: alpha must be finite`);
    this.options = { alpha };
  }

  /** @deprecated Read `options.alpha`. */
  get alpha(): number {
    return this.options.alpha;
  }

  forward(x: Tensor): Tensor {
    if (this.options.alpha === 1) return elu(x);
    return add(relu(x), mul(scalar(this.options.alpha), elu(minimum(x, 0))));
  }
}
