import { checkNumber, type Rng, toRng } from '@convkit/backend';
import type { Tensor } from '@tensorflow/tfjs-core';
import { checkOptions, checkShape } from '../check';

/** Options of `normal`. */
export interface NormalOptions {
  /** Mean (default 0). */
  mean?: number;
  /** Standard deviation, >= 0 (default 1). */
  std?: number;
}

/**
 * Values drawn from N(mean, std²), as `torch.nn.init.normal_`.
 *
 * @example
 * const w = normal([784, 10], 42, { std: 0.01 });
 */
export function normal(shape: readonly number[], rng: number | Rng, options: NormalOptions = {}): Tensor {
  checkShape(shape, 'normal');
  checkOptions('normal', options, ['mean', 'std']);
  const mean = checkNumber('normal', 'mean', options.mean ?? 0);
  const std = checkNumber('normal', 'std', options.std ?? 1, { min: 0 });
  return toRng(rng).normalTensor([...shape], mean, std);
}
