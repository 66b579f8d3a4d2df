import type { Rng } from '@convkit/backend';
import type { Tensor } from '@tensorflow/tfjs-core';

/**
 * An initializer: a pure function of a shape, a seed or `Rng`, and options, returning a new float32 tensor.
 *
 * Random initializers draw every number in JavaScript from the `Rng`, so a seed gives the same tensor on
 * every backend. Passing an `Rng` advances it; passing a number seeds a fresh one. The caller owns (and
 * disposes) the returned tensor.
 */
export type Initializer<O extends object = object> = (
  shape: readonly number[],
  rng: number | Rng,
  options?: O,
) => Tensor;
