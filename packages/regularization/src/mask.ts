import { checkProbability, type Rng } from '@convkit/backend';
import { layerRng, seedConfig } from '@convkit/core';
import { type Tensor, tensor } from '@tensorflow/tfjs-core';

/** The options every layer of the dropout family takes. */
export interface DropOptions {
  /** Probability of dropping, in [0, 1]. */
  p?: number;
  /**
   * Seed or generator the masks are drawn from. Default: a fresh random seed. For reproducible
   * masks give each dropout of a model its own stream of one seeded generator (`rng.fork()`).
   */
  rng?: number | Rng;
}

/**
 * A dropout-family layer's `p` and `rng` options, resolved: `p` checked (default `defaultP`) and the
 * seed kept for the config (`options`), and the generator its masks are drawn from (`rng`).
 *
 * @example
 * const { options: common, rng } = dropOptions('Dropout', options, 0.5);
 */
export function dropOptions(
  who: string,
  options: DropOptions,
  defaultP: number,
): { options: { p: number; rng?: number }; rng: Rng } {
  const p = checkProbability(who, 'p', options.p ?? defaultP);
  return { options: { p, ...seedConfig(options.rng) }, rng: layerRng(options.rng) };
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
