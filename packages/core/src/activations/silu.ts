import { mul, sigmoid, type Tensor } from '@tensorflow/tfjs-core';
import { Module } from '../module';

/**
 * Sigmoid linear unit (swish with β = 1): `y = x·σ(x)`. Any shape.
 * Elfwing et al. 2017; Ramachandran et al. 2017, "Searching for Activation Functions".
 *
 * @example
 * new SiLU().call(x);
 */
export class SiLU extends Module {
  static readonly className = 'SiLU';

  constructor(_options: Record<string, never> = {}) {
    super();
  }

  forward(x: Tensor): Tensor {
    return mul(x, sigmoid(x));
  }
}
