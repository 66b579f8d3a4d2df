import { leakyRelu, type Tensor } from '@tensorflow/tfjs-core';
import { Module, type ModuleConfig } from '../module';

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
  readonly negativeSlope: number;

  constructor(options: LeakyReLUOptions = {}) {
    super();
    this.negativeSlope = options.negativeSlope ?? 0.01;
    if (!Number.isFinite(this.negativeSlope)) throw new Error(`LeakyReLU: negativeSlope must be finite`);
  }

  forward(x: Tensor): Tensor {
    return leakyRelu(x, this.negativeSlope);
  }

  override toConfig(): ModuleConfig {
    return { className: this.className, config: { negativeSlope: this.negativeSlope } };
  }
}
