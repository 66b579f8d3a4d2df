import { sigmoid, type Tensor } from '@tensorflow/tfjs-core';
import { Module } from '../module';

/**
 * Logistic sigmoid: `y = 1 / (1 + exp(-x))`. Any shape.
 *
 * @example
 * new Sigmoid().call(tensor([0])); // [0.5]
 */
export class Sigmoid extends Module {
  static readonly className = 'Sigmoid';

  constructor(_options: Record<string, never> = {}) {
    super();
  }

  forward(x: Tensor): Tensor {
    return sigmoid(x);
  }
}
