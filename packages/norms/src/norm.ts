import { Module, type NoWeightDecay } from '@convkit/core';
import type { Variable } from '@tensorflow/tfjs-core';

/** Options every norm layer takes. */
export interface NormOptions {
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
  /**
   * Run on the backend's fused normalization kernels where it has them (webgpu: fewer GPU launches,
   * see bench/RESULTS.md); false forces the composed ops. Same values either way (default true).
   */
  fused?: boolean;
}

/**
 * The base of the norm layers: the learnable `weight` and `bias` (per channel or elementwise, when the
 * layer is affine), which optimizers should not decay. Subclasses resolve their options, create the
 * parameters and call the `normalize` op.
 */
export abstract class Norm extends Module implements NoWeightDecay {
  abstract readonly weight?: Variable;
  abstract readonly bias?: Variable;

  /** Names of this module's parameters an optimizer should not decay (see @convkit/regularization). */
  noWeightDecay(): string[] {
    return ['weight', 'bias'];
  }
}

/** `eps` and `fused` with their defaults. */
export function resolveNormOptions(options: NormOptions): Required<NormOptions> {
  return { eps: options.eps ?? 1e-5, fused: options.fused ?? true };
}
