import type { Tensor, Tensor4D } from '@tensorflow/tfjs-core';
import { Module, type ModuleConfig } from '../module';
import { maxPool2d } from '../ops/pool';
import { type Pool2dLayerOptions, PoolSpec } from './pool-options';

/** Options of {@link MaxPool2d}. */
export type MaxPool2dOptions = Pool2dLayerOptions;

/**
 * Max pooling over NHWC images, PyTorch's `nn.MaxPool2d` (padding never wins the max).
 *
 * `y[n, i, j, c] = max_{a<kh, b<kw} x[n, sh·i + a - pt, sw·j + b - pl, c]` over positions inside x.
 * Options (defaults): `kernelSize`, `stride` (= kernelSize), `padding` 0 (≤ kernel/2, or
 * `'same'`/`'valid'`), `ceilMode` false (PyTorch's `ceil_mode`). No dilation.
 *
 * Shapes: `[N, H, W, C] → [N, floor((H + 2·ph - kh) / sh) + 1, …, C]` (`ceil` with `ceilMode`).
 *
 * @example
 * const pool = new MaxPool2d({ kernelSize: 3, stride: 2, padding: 1 });
 * pool.call(x); // [8, 32, 32, 16] → [8, 16, 16, 16]
 */
export class MaxPool2d extends Module {
  static readonly className = 'MaxPool2d';
  private readonly spec: PoolSpec;

  constructor(options: MaxPool2dOptions) {
    super();
    this.spec = new PoolSpec(`MaxPool2d(${JSON.stringify(options.kernelSize)})`, options);
  }

  forward(x: Tensor): Tensor {
    this.spec.check(x);
    return maxPool2d(x as Tensor4D, this.spec.kernel, {
      strides: this.spec.stride,
      padding: this.spec.padding,
      ceilMode: this.spec.ceilMode,
    });
  }

  override toConfig(): ModuleConfig {
    return { className: this.className, config: this.spec.config() };
  }
}
