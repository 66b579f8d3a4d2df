import { add, clone, mul, type Tensor, tensor, tidy } from '@tensorflow/tfjs-core';
import { DropLayer, type DropOptions } from './drop-layer';

/** Options of {@link AlphaDropout}. */
export interface AlphaDropoutOptions extends DropOptions {
  /** Probability of dropping a unit, in [0, 1]. Default 0.5. */
  p?: number;
}

/** −λ·α of SELU: the value SELU saturates to, which dropped units are set to. */
const ALPHA_PRIME = 1.7580993408473766;

/**
 * Alpha dropout for self-normalizing networks (Klambauer et al. 2017; PyTorch's AlphaDropout): dropped
 * units are set to SELU's saturation value −α' instead of 0, then an affine map a·(·) + b restores zero
 * mean and unit variance for standard-normal inputs. Eval is the identity.
 *
 *   y = a·(x·m − α'·(1 − m)) + a·α'·p,   a = ((1 − p)(1 + p·α'²))^(−1/2),   m ~ Bernoulli(1 − p)
 *
 * Options (defaults): `p` 0.5, `rng` a fresh random seed. Shapes: any → same.
 *
 * @example
 * const drop = new AlphaDropout({ p: 0.1, rng: 2 }); // after SELU activations
 */
export class AlphaDropout extends DropLayer<{ p: number; rng?: number }> {
  static readonly className = 'AlphaDropout';

  constructor(options: AlphaDropoutOptions = {}) {
    super('AlphaDropout', options, 0.5, {});
  }

  forward(x: Tensor): Tensor {
    if (!this.training || this.options.p === 0) return clone(x);
    if (this.options.p === 1) return mul(x, 0);
    const p = this.options.p;
    const a = 1 / Math.sqrt((ALPHA_PRIME * ALPHA_PRIME * p + 1) * (1 - p));
    const kept = a * ALPHA_PRIME * p;
    const dropped = a * ALPHA_PRIME * (p - 1);
    // One uniform per element decides both the scale (a or 0) and the offset.
    const scale = new Float32Array(x.size);
    const offset = new Float32Array(x.size);
    for (let i = 0; i < x.size; i++) {
      const keep = this.rng.uniform() < 1 - p;
      scale[i] = keep ? a : 0;
      offset[i] = keep ? kept : dropped;
    }
    return tidy(() => add(mul(x, tensor(scale, x.shape)), tensor(offset, x.shape)));
  }
}
