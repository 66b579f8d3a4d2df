import type { Rng } from '@convkit/backend';
import { layerRng, Module, type ModuleConfig } from '@convkit/core';
import { clone, mul, type Tensor, tidy } from '@tensorflow/tfjs-core';
import { bernoulliMask, checkProbability, seedConfig } from './mask';

/** Where dropout rescales: `'inverted'` (kept units ×1/(1−p) in training) or `'test-time'` (×(1−p) in eval). */
export type DropoutScaling = 'inverted' | 'test-time';

/** Options of {@link Dropout}. */
export interface DropoutOptions {
  /** Probability of dropping a unit, in [0, 1]. Default 0.5. */
  p?: number;
  /** Default `'inverted'` (PyTorch's). */
  scaling?: DropoutScaling;
  /**
   * Seed or generator the masks are drawn from. Default: a fresh random seed. For reproducible
   * masks give each dropout of a model its own stream of one seeded generator (`rng.fork()`).
   */
  rng?: number | Rng;
}

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
export class Dropout extends Module {
  static readonly className = 'Dropout';
  readonly p: number;
  readonly scaling: DropoutScaling;
  private readonly rng: Rng;
  private readonly seed: { rng?: number };

  constructor(options: DropoutOptions = {}) {
    super();
    this.p = checkProbability('Dropout', options.p ?? 0.5);
    this.scaling = options.scaling ?? 'inverted';
    if (this.scaling !== 'inverted' && this.scaling !== 'test-time') {
      throw new Error(`Dropout: scaling must be 'inverted' or 'test-time', got '${this.scaling}'`);
    }
    this.rng = layerRng(options.rng);
    this.seed = seedConfig(options.rng);
  }

  /** Outputs are always new tensors (an identity pass returns `clone(x)`, sharing x's data): disposing
   * the output never disposes the input. */
  forward(x: Tensor): Tensor {
    const keep = 1 - this.p;
    if (!this.training) return this.scaling === 'test-time' && keep !== 1 ? mul(x, keep) : clone(x);
    if (this.p === 0) return clone(x);
    // p = 1: an all-zero mask (no 1/0 scale).
    const kept = this.scaling === 'inverted' && keep > 0 ? 1 / keep : 1;
    return tidy(() => mul(x, bernoulliMask(this.rng, x.shape, keep, kept)));
  }

  override toConfig(): ModuleConfig {
    return { className: this.className, config: { p: this.p, scaling: this.scaling, ...this.seed } };
  }
}
