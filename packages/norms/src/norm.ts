import { checkNumber } from '@convkit/backend';
import { Module, type NoWeightDecay } from '@convkit/core';
import type { Variable } from '@tensorflow/tfjs-core';

/** Options every norm layer takes. */
export interface NormOptions {
  /** Added to the variance before the square root (default 1e-5); must be > 0 (0 divides by 0 on a constant channel). */
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

/**
 * `eps` and `fused` with their defaults, checked: `eps` a finite number > 0 (0, a negative value or
 * NaN would give NaN or ±∞ outputs); `who` (the layer) names them in the message.
 */
export function resolveNormOptions(who: string, options: NormOptions): Required<NormOptions> {
  const eps = checkNumber(who, 'eps', options.eps ?? 1e-5, { above: 0 });
  const fused = options.fused ?? true;
  if (typeof fused !== 'boolean')
    throw new Error(`${who}: fused must be true or false, got ${String(fused)}`);
  return { eps, fused };
}
