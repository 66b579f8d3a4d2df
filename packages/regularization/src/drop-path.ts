import { clone, mul, type Tensor, tidy } from '@tensorflow/tfjs-core';
import { DropLayer, type DropOptions } from './drop-layer';
import { bernoulliMask } from './mask';

/** Options of {@link DropPath}. */
export interface DropPathOptions extends DropOptions {
  /** Probability of dropping a sample's residual branch, in [0, 1]. Default 0. */
  p?: number;
  /** Scale kept samples by 1/(1−p) (timm's `scale_by_keep`). Default true. */
  scaleByKeep?: boolean;
}

/** {@link DropPath}'s resolved options (`rng` only as a numeric seed). */
export type DropPathConfig = { p: number; scaleByKeep: boolean; rng?: number };

/**
 * Stochastic depth (Huang et al. 2016), timm's `drop_path`: in training the whole input of a sample
 * (a residual branch's output) is zeroed with probability p; eval is the identity. Put it on the branch,
 * before the addition: `y = x + dropPath(f(x))`.
 *
 *   y[n, ...] = x[n, ...] · m[n] / (1 − p),   m ~ Bernoulli(1 − p)   (no 1/(1−p) when !scaleByKeep)
 *
 * Options (defaults): `p` 0, `scaleByKeep` true, `rng` a fresh random seed. Shapes: [N, ...] → same.
 *
 * @example
 * const dropPath = new DropPath({ p: 0.1, rng: 5 });
 * const y = add(x, dropPath.call(branch.call(x)));
 */
export class DropPath extends DropLayer<DropPathConfig> {
  static readonly className = 'DropPath';

  constructor(options: DropPathOptions = {}) {
    super('DropPath', options, 0, { scaleByKeep: options?.scaleByKeep ?? true });
  }

  /** @deprecated Read `options.scaleByKeep`. */
  get scaleByKeep(): boolean {
    return this.options.scaleByKeep;
  }

  forward(x: Tensor): Tensor {
    if (!this.training || this.options.p === 0) return clone(x);
    if (x.rank < 1) throw new Error(`DropPath: expected a batch [N, ...], got a scalar`);
    const keep = 1 - this.options.p;
    const shape = [x.shape[0], ...x.shape.slice(1).map(() => 1)];
    return tidy(() =>
      mul(x, bernoulliMask(this.rng, shape, keep, keep > 0 && this.options.scaleByKeep ? 1 / keep : 1)),
    );
  }
}
