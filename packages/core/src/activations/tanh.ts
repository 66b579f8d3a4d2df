import { type Tensor, tanh } from '@tensorflow/tfjs-core';
import { Module } from '../module';

/**
 * Hyperbolic tangent: `y = (exp(x) - exp(-x)) / (exp(x) + exp(-x))`. Any shape.
 *
 * @example
 * new Tanh().call(tensor([0])); // [0]
 */
export class Tanh extends Module {
  static readonly className = 'Tanh';

  constructor(_options: Record<string, never> = {}) {
    super();
  }

  forward(x: Tensor): Tensor {
    return tanh(x);
  }
}
