import { checkOptions } from '@convkit/backend';
import { exp, logSumExp, softmax, sub, type Tensor } from '@tensorflow/tfjs-core';
import { Module } from '../module';

/** Options of {@link Softmax}. */
export interface SoftmaxOptions {
  /** Axis to normalize over; negative counts from the end. Default -1. */
  axis?: number;
}

/**
 * Softmax along `axis`: `y_i = exp(x_i) / Σ_j exp(x_j)`. Any shape.
 *
 * The last axis uses tfjs's `softmax` kernel; other axes (which it does not support) compute
 * `exp(x - logSumExp(x))`, stable because `logSumExp` subtracts the max first.
 *
 * @example
 * new Softmax().call(logits);           // over classes, [N, K]
 * new Softmax({ axis: 3 }).call(maps);  // over channels of an NHWC map
 */
export class Softmax extends Module {
  static readonly className = 'Softmax';
  override readonly options: Required<SoftmaxOptions>;

  constructor(options: SoftmaxOptions = {}) {
    super();
    checkOptions('Softmax', options);
    const axis = options.axis ?? -1;
    if (!Number.isInteger(axis)) throw new Error(`Softmax: axis must be an integer, got ${axis}`);
    this.options = { axis };
  }

  /** @deprecated Read `options.axis`. */
  get axis(): number {
    return this.options.axis;
  }

  forward(x: Tensor): Tensor {
    const axis = this.options.axis < 0 ? x.rank + this.options.axis : this.options.axis;
    if (axis < 0 || axis >= x.rank) {
      throw new Error(`Softmax(axis=${this.options.axis}): input [${x.shape}] has no such axis`);
    }
    if (axis === x.rank - 1) return softmax(x);
    return exp(sub(x, logSumExp(x, axis, true)));
  }
}
