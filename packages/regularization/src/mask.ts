import type { Rng } from '@convkit/backend';
import { type Tensor, tensor } from '@tensorflow/tfjs-core';

/**
 * A float32 tensor of `shape` holding `keptValue` with probability `keep` and 0 otherwise.
 * Drawn in JavaScript from `rng` (one uniform per element, in row-major order), so a seed gives the
 * same mask on every backend.
 */
export function bernoulliMask(rng: Rng, shape: number[], keep: number, keptValue: number): Tensor {
  const size = shape.reduce((n, d) => n * d, 1);
  return tensor(
    rng.fill(size, () => (rng.uniform() < keep ? keptValue : 0)),
    shape,
    'float32',
  );
}
