import type { Tensor, Tensor4D } from '@tensorflow/tfjs-core';
import { Module, type ModuleConfig } from '../module';
import { pair } from '../ops/padding';
import { maxPool2d } from '../ops/pool';
import { tupleConfig } from './options';
import { type Pool2dLayerOptions, PoolSpec } from './pool-options';

/** Options of {@link MaxPool2d}. */
export interface MaxPool2dOptions extends Pool2dLayerOptions {
  /** Spacing between window elements, PyTorch's `dilation`. Default 1. */
  dilation?: number | [number, number];
}

/**
 * Max pooling over NHWC images, PyTorch's `nn.MaxPool2d` (padding never wins the max).
 *
 * `y[n, i, j, c] = max_{a<kh, b<kw} x[n, sh·i + d·a - pt, sw·j + d·b - pl, c]` over positions inside x.
 * Options (defaults): `kernelSize`, `stride` (= kernelSize), `padding` 0 (≤ kernel/2, or
 * `'same'`/`'valid'`), `ceilMode` false (PyTorch's `ceil_mode`), `dilation` 1.
 *
 * Shapes: `[N, H, W, C] → [N, floor((H + 2·ph - d·(kh - 1) - 1) / sh) + 1, …, C]` (`ceil` with
 * `ceilMode`).
 *
 * @example
 * const pool = new MaxPool2d({ kernelSize: 3, stride: 2, padding: 1 });
 * pool.call(x); // [8, 32, 32, 16] → [8, 16, 16, 16]
 */
export class MaxPool2d extends Module {
  static readonly className = 'MaxPool2d';
  private readonly spec: PoolSpec;
  private readonly dilationOption: number | [number, number];

  constructor(options: MaxPool2dOptions) {
    super();
    const label = `MaxPool2d(${JSON.stringify(options.kernelSize)})`;
    this.dilationOption = options.dilation ?? 1;
    this.spec = new PoolSpec(label, options, pair(options.dilation ?? 1, `${label}: dilation`));
  }

  forward(x: Tensor): Tensor {
    this.spec.check(x);
    return maxPool2d(x as Tensor4D, this.spec.kernel, {
      strides: this.spec.stride,
      padding: this.spec.padding,
      ceilMode: this.spec.ceilMode,
      dilation: this.spec.dilation,
    });
  }

  override toConfig(): ModuleConfig {
    return {
      className: this.className,
      config: { ...this.spec.config(), dilation: tupleConfig(this.dilationOption) },
    };
  }
}
