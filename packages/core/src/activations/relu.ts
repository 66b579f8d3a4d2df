import { relu, type Tensor } from '@tensorflow/tfjs-core';
import { Module } from '../module';

/**
 * Rectified linear unit: `y = max(x, 0)` (gradient 0 at x = 0, as PyTorch). Any shape.
 *
 * @example
 * new ReLU().call(tensor([-1, 2])); // [0, 2]
 */
export class ReLU extends Module {
  static readonly className = 'ReLU';

  constructor(_options: Record<string, never> = {}) {
    super();
  }

  forward(x: Tensor): Tensor {
    return relu(x);
  }
}
