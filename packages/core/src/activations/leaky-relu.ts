import { checkOptions } from '@convkit/backend';
import { leakyRelu, type Tensor } from '@tensorflow/tfjs-core';
import { Module } from '../module';

/** Options of {@link LeakyReLU}. */
export interface LeakyReLUOptions {
  /** Slope for x < 0. Default 0.01 (PyTorch; Keras uses 0.3). */
  negativeSlope?: number;
}

/**
 * Leaky ReLU: `y = x` for x > 0, `negativeSlope·x` otherwise. Any shape.
 * Maas et al. 2013, "Rectifier Nonlinearities Improve Neural Network Acoustic Models".
 *
 * @example
 * new LeakyReLU({ negativeSlope: 0.1 }).call(tensor([-1, 2])); // [-0.1, 2]
 */
export class LeakyReLU extends Module {
  static readonly className = 'LeakyReLU';
  override readonly options: Required<LeakyReLUOptions>;

  constructor(options: LeakyReLUOptions = {}) {
    super();
    checkOptions('LeakyReLU', options);
    const negativeSlope = options.negativeSlope ?? 0.01;
    if (!Number.isFinite(negativeSlope)) throw new Error(`LeakyReLU: negativeSlope must be finite`);
    this.options = { negativeSlope };
  }

  /** @deprecated Read `options.negativeSlope`. */
  get negativeSlope(): number {
    return this.options.negativeSlope;
  }

  forward(x: Tensor): Tensor {
    return leakyRelu(x, this.options.negativeSlope);
  }
}
