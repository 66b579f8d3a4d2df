import { checkOptions } from '@convkit/backend';
import { reshape, type Tensor } from '@tensorflow/tfjs-core';
import { Module } from '../module';

/** Options of {@link Flatten}. */
export interface FlattenOptions {
  /** First axis to merge (default 1: keep the batch axis). */
  startDim?: number;
}

/**
 * Merges the axes from `startDim` on into one, PyTorch's `nn.Flatten` (with `end_dim = -1`).
 *
 * Row-major over NHWC: `[N, H, W, C] → [N, H·W·C]` orders features `(h, w, c)`, not PyTorch's
 * `(c, h, w)`: transpose weights when importing a Linear that follows a flatten.
 *
 * @example
 * new Flatten().call(x); // [8, 4, 4, 32] → [8, 512]
 */
export class Flatten extends Module {
  static readonly className = 'Flatten';
  override readonly options: Required<FlattenOptions>;

  constructor(options: FlattenOptions = {}) {
    super();
    checkOptions('Flatten', options);
    const startDim = options.startDim ?? 1;
    if (!Number.isInteger(startDim) || startDim < 0) {
      throw new Error(`Flatten: startDim must be a non-negative integer, got ${startDim}`);
    }
    this.options = { startDim };
  }

  /** @deprecated Read `options.startDim`. */
  get startDim(): number {
    return this.options.startDim;
  }

  forward(x: Tensor): Tensor {
    const { startDim } = this.options;
    if (x.rank <= startDim) {
      throw new Error(`Flatten(startDim=${startDim}): expected rank > ${startDim}, got [${x.shape}]`);
    }
    return reshape(x, [...x.shape.slice(0, startDim), -1]);
  }
}
