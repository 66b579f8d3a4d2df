import { checkNumber, type Rng } from '@convkit/backend';
import { fill, type Tensor } from '@tensorflow/tfjs-core';
import { checkOptions, checkShape } from '../check';

/** Options of `constant`. */
export interface ConstantOptions {
  /** The fill value (default 0). */
  value?: number;
}

/**
 * A tensor filled with `value`, as `torch.nn.init.constant_`. The rng is unused (kept for a uniform signature).
 *
 * @example
 * const gamma = constant([64], 0, { value: 1 });
 */
export function constant(
  shape: readonly number[],
  _rng?: number | Rng,
  options: ConstantOptions = {},
): Tensor {
  checkShape(shape, 'constant');
  checkOptions('constant', options, ['value']);
  const value = checkNumber('constant', 'value', options.value ?? 0);
  return fill([...shape], value, 'float32');
}

/**
 * A tensor of zeros, as `torch.nn.init.zeros_`.
 *
 * @example
 * const bias = zeros([32]);
 */
export function zeros(shape: readonly number[], _rng?: number | Rng, options: object = {}): Tensor {
  checkShape(shape, 'zeros');
  checkOptions('zeros', options, []);
  return fill([...shape], 0, 'float32');
}

/**
 * A tensor of ones, as `torch.nn.init.ones_`.
 *
 * @example
 * const gamma = ones([32]);
 */
export function ones(shape: readonly number[], _rng?: number | Rng, options: object = {}): Tensor {
  checkShape(shape, 'ones');
  checkOptions('ones', options, []);
  return fill([...shape], 1, 'float32');
}
