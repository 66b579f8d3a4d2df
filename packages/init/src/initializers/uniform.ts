import { checkNumber, type Rng, toRng } from '@convkit/backend';
import type { Tensor } from '@tensorflow/tfjs-core';
import { checkOptions, checkShape } from '../check';

/** Options of `uniform`. */
export interface UniformOptions {
  /** Lower bound (default 0). */
  low?: number;
  /** Upper bound, >= low (default 1). */
  high?: number;
}

/**
 * Values drawn from U(low, high), as `torch.nn.init.uniform_`.
 *
 * @example
 * const b = fanInBiasBound([3, 3, 16, 32]);
 * const bias = uniform([32], rng, { low: -b, high: b });
 */
export function uniform(shape: readonly number[], rng: number | Rng, options: UniformOptions = {}): Tensor {
  checkShape(shape, 'uniform');
  checkOptions('uniform', options, ['low', 'high']);
  const low = checkNumber('uniform', 'low', options.low ?? 0);
  const high = checkNumber('uniform', 'high', options.high ?? 1);
  if (high < low) throw new Error(`uniform: need low <= high, got low=${low}, high=${high}`);
  return toRng(rng).uniformTensor([...shape], low, high);
}
