import { checkOptions } from '@convkit/backend';
import { add, erf, mul, scalar, type Tensor, tanh } from '@tensorflow/tfjs-core';
import { Module } from '../module';

/** Options of {@link GELU}. */
export interface GELUOptions {
  /** `'none'` (default): exact erf form; `'tanh'`: the tanh approximation (PyTorch's names). */
  approximate?: 'none' | 'tanh';
}

/**
 * Gaussian error linear unit: `y = x·Φ(x) = ½·x·(1 + erf(x/√2))`. Any shape.
 * With `approximate: 'tanh'`: `½·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))`.
 * Hendrycks & Gimpel 2016, "Gaussian Error Linear Units (GELUs)".
 *
 * @example
 * new GELU().call(x);
 * new GELU({ approximate: 'tanh' }).call(x);
 */
export class GELU extends Module {
  static readonly className = 'GELU';
  override readonly options: Required<GELUOptions>;

  constructor(options: GELUOptions = {}) {
    super();
    checkOptions('GELU', options);
    const approximate = options.approximate ?? 'none';
    if (approximate !== 'none' && approximate !== 'tanh') {
      throw new Error(`GELU: approximate must be 'none' or 'tanh', got '${String(approximate)}'`);
    }
    this.options = { approximate };
  }

  /** @deprecated Read `options.approximate`. */
  get approximate(): 'none' | 'tanh' {
    return this.options.approximate;
  }

  forward(x: Tensor): Tensor {
    const half = mul(scalar(0.5), x);
    if (this.options.approximate === 'none')
      return mul(half, add(scalar(1), erf(mul(x, scalar(Math.SQRT1_2)))));
    const inner = mul(scalar(Math.sqrt(2 / Math.PI)), add(x, mul(scalar(0.044715), mul(x, mul(x, x)))));
    return mul(half, add(scalar(1), tanh(inner)));
  }
}
