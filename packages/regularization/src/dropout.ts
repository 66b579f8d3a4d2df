import { clone, mul, type Tensor, tidy } from '@tensorflow/tfjs-core';
import { DropLayer, type DropOptions } from './drop-layer';
import { bernoulliMask } from './mask';

/** Where dropout rescales: `'inverted'` (kept units ×1/(1−p) in training) or `'test-time'` (×(1−p) in eval). */
export type DropoutScaling = 'inverted' | 'test-time';

/** Options of {@link Dropout}. */
export interface DropoutOptions extends DropOptions {
  /** Probability of dropping a unit, in [0, 1]. Default 0.5. */
  p?: number;
  /** Default `'inverted'` (PyTorch's). */
  scaling?: DropoutScaling;
}

/** {@link Dropout}'s resolved options (`rng` only as a numeric seed). */
export type DropoutConfig = { p: number; scaling: DropoutScaling; rng?: number };

/**
 * Dropout (Srivastava et al. 2014): in training each element is zeroed with probability p.
 *
 * - `'inverted'` (default, PyTorch): training y = x·m/(1−p), eval y = x.
 * - `'test-time'` (the original paper): training y = x·m, eval y = (1−p)·x.
 *
 * m ~ Bernoulli(1−p) per element. Either way E[y_train] = y_eval, so the next layer sees the same mean
 * in both modes. p = 0 is the identity; p = 1 zeroes everything in training (eval: identity when
 * inverted, zeros when test-time). Masks are drawn in JavaScript from `rng`: the same seed gives the
 * same mask on every backend.
 *
 * Options (defaults): `p` 0.5, `scaling` 'inverted', `rng` a fresh random seed. Shapes: any → same.
 *
 * @example
 * const drop = new Dropout({ p: 0.2, rng: 1 });
 * drop.call(x);        // training: about 20% zeros, the rest ×1.25
 * drop.eval().call(x); // x
 */
export class Dropout extends DropLayer<DropoutConfig> {
  static readonly className = 'Dropout';

  constructor(options: DropoutOptions = {}) {
    super('Dropout', options, 0.5, { scaling: options?.scaling ?? 'inverted' });
    const { scaling } = this.options;
    if (scaling !== 'inverted' && scaling !== 'test-time') {
      throw new Error(`Dropout: scaling must be 'inverted' or 'test-time', got '${scaling}'`);
    }
  }

  /** @deprecated Read `options.scaling`. */
  get scaling(): DropoutScaling {
    return this.options.scaling;
  }

  /** Outputs are always new tensors (an identity pass returns `clone(x)`, sharing x's data): disposing
   * the output never disposes the input. */
  forward(x: Tensor): Tensor {
    const keep = 1 - this.options.p;
    if (!this.training) return this.options.scaling === 'test-time' && keep !== 1 ? mul(x, keep) : clone(x);
    if (this.options.p === 0) return clone(x);
    // p = 1: an all-zero mask (no 1/0 scale).
    const kept = this.options.scaling === 'inverted' && keep > 0 ? 1 / keep : 1;
    return tidy(() => mul(x, bernoulliMask(this.rng, x.shape, keep, kept)));
  }
}
