import { checkImage } from '@convkit/core';
import { clone, mul, type Tensor, tidy } from '@tensorflow/tfjs-core';
import { DropLayer, type DropOptions } from './drop-layer';
import { bernoulliMask } from './mask';

/** Options of {@link SpatialDropout2d}. */
export interface SpatialDropout2dOptions extends DropOptions {
  /** Probability of dropping a channel, in [0, 1]. Default 0.5. */
  p?: number;
}

/**
 * Spatial dropout (Tompson et al. 2015; PyTorch's Dropout2d), channels last: in training each channel
 * of each sample is zeroed as a whole with probability p, kept channels scaled by 1/(1−p); eval is the
 * identity. Neighbouring pixels are strongly correlated, so dropping single pixels barely regularizes a
 * conv map; dropping whole feature maps does.
 *
 *   y[n, h, w, c] = x[n, h, w, c] · m[n, c] / (1 − p),   m ~ Bernoulli(1 − p)
 *
 * Options (defaults): `p` 0.5, `rng` a fresh random seed. Shapes: [N, H, W, C] → same.
 *
 * @example
 * const drop = new SpatialDropout2d({ p: 0.1, rng: 3 });
 */
export class SpatialDropout2d extends DropLayer<{ p: number; rng?: number }> {
  static readonly className = 'SpatialDropout2d';

  constructor(options: SpatialDropout2dOptions = {}) {
    super('SpatialDropout2d', options, 0.5, {});
  }

  forward(x: Tensor): Tensor {
    checkImage('SpatialDropout2d', x);
    if (!this.training || this.options.p === 0) return clone(x);
    const keep = 1 - this.options.p;
    const [n, , , c] = x.shape as number[];
    // A [N, 1, 1, C] mask broadcast over H, W (no tile).
    return tidy(() => mul(x, bernoulliMask(this.rng, [n, 1, 1, c], keep, keep > 0 ? 1 / keep : 1)));
  }
}
