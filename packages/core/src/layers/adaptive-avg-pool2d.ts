import { checkOptions } from '@convkit/backend';
import type { Tensor, Tensor4D } from '@tensorflow/tfjs-core';
import { checkImage } from '../checks';
import { Module, type ModuleConfig } from '../module';
import { pair } from '../ops/padding';
import { adaptiveAvgPool2d } from '../ops/pool';
import { tupleConfig } from './options';

/** Options of {@link AdaptiveAvgPool2d}. */
export interface AdaptiveAvgPool2dOptions {
  /** Output spatial size `s` or `[oh, ow]` (≥ 1). Default 1: a global average pool. */
  outputSize?: number | [number, number];
}

/**
 * Adaptive average pooling to a fixed output size, PyTorch's `nn.AdaptiveAvgPool2d`.
 *
 * Output cell `(i, j)` averages rows `floor(i·H/oh) … ceil((i+1)·H/oh) - 1` and the same bins of
 * columns; any input size works. `outputSize` 1 (the default) is a global average pool.
 *
 * Shapes: `[N, H, W, C] → [N, oh, ow, C]` (kept 4-D as in PyTorch; follow with `Flatten`).
 *
 * @example
 * new AdaptiveAvgPool2d({ outputSize: 1 }).call(x); // [8, 7, 7, 512] → [8, 1, 1, 512]
 */
export class AdaptiveAvgPool2d extends Module {
  static readonly className: string = 'AdaptiveAvgPool2d';
  override readonly options: Required<AdaptiveAvgPool2dOptions>;

  constructor(options: AdaptiveAvgPool2dOptions = {}) {
    super();
    checkOptions('AdaptiveAvgPool2d', options);
    const outputSize = tupleConfig(options.outputSize ?? 1);
    const size = pair(outputSize, 'AdaptiveAvgPool2d: outputSize');
    if (size.some((s) => s < 1)) throw new Error(`AdaptiveAvgPool2d: outputSize must be >= 1, got [${size}]`);
    this.options = { outputSize };
  }

  /** @deprecated Read `options.outputSize`. */
  get outputSize(): number | [number, number] {
    return this.options.outputSize;
  }

  forward(x: Tensor): Tensor {
    checkImage(`${this.className}(${JSON.stringify(this.options.outputSize)})`, x);
    return adaptiveAvgPool2d(x as Tensor4D, this.options.outputSize);
  }
}

/**
 * Global average pool: the mean over H and W, `AdaptiveAvgPool2d` with output size 1.
 *
 * `y[n, 0, 0, c] = (1 / HW) Σ_{i,j} x[n, i, j, c]`. Shapes: `[N, H, W, C] → [N, 1, 1, C]`.
 *
 * @example
 * new Sequential(new GlobalAvgPool2d(), new Flatten()).call(x); // [8, 7, 7, 512] → [8, 512]
 */
export class GlobalAvgPool2d extends AdaptiveAvgPool2d {
  static override readonly className: string = 'GlobalAvgPool2d';

  constructor(_options: Record<string, never> = {}) {
    super({ outputSize: 1 });
  }

  /** Takes no options (its output size is always 1), so its config is empty. */
  override toConfig(): ModuleConfig {
    return { className: this.className, config: {} };
  }
}
