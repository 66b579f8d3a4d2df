import type { Tensor } from '@tensorflow/tfjs-core';
import { Module } from '../module';

/**
 * Returns its input unchanged: `y = x`. A placeholder (e.g. a `Residual`'s default shortcut).
 *
 * @example
 * new Identity().call(x); // x
 */
export class Identity extends Module {
  static readonly className = 'Identity';

  constructor(_options: Record<string, never> = {}) {
    super();
  }

  forward(x: Tensor): Tensor {
    return x;
  }
}
