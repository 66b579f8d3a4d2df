import type { Rng } from '@convkit/backend';
import type { Tensor4D } from '@tensorflow/tfjs-core';

/**
 * A random augmentation: a stateless function of a batch of NHWC float images, an explicit `Rng`
 * and its options. Per-sample parameters are drawn from `rng` in JavaScript, in sample order, so the
 * same seed gives the same parameters on every backend. The input is never disposed.
 */
export type AugmentOp<O = Record<string, never>> = (x: Tensor4D, rng: Rng, options?: O) => Tensor4D;
