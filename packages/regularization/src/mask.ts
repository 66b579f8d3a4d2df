import type { Rng } from '@convkit/backend';
import { type Tensor, tensor } from '@tensorflow/tfjs-core';

/** Throws unless `p` is a probability in [0, 1]; returns it. */
export function checkProbability(label: string, p: number): number {
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
    throw new Error(`${label}: drop probability p has to be between 0 and 1, but got ${p}`);
  }
  return p;
}

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

/** The config form of an `rng` option: a numeric seed is kept, a generator (stateful) is not. */
export function seedConfig(rng: number | Rng | undefined): { rng?: number } {
  return typeof rng === 'number' ? { rng } : {};
}
