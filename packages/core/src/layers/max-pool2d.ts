import { checkOptions } from '@convkit/backend';
import type { Tensor, Tensor4D } from '@tensorflow/tfjs-core';
import { Module } from '../module';
import { pair } from '../ops/padding';
import { maxPool2d } from '../ops/pool';
import { tupleConfig } from './options';
import {
  checkPoolInput,
  type Pool2dConfig,
  type Pool2dLayerOptions,
  resolvePool2dOptions,
} from './pool-options';

/** Options of {@link MaxPool2d}. */
export interface MaxPool2dOptions extends Pool2dLayerOptions {
  /** Spacing between window elements, PyTorch's `dilation`. Default 1. */
  dilation?: number | [number, number];
}

/** {@link MaxPool2d}'s resolved options. */
export type MaxPool2dConfig = Pool2dConfig & { dilation: number | [number, number] };

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
  override readonly options: MaxPool2dConfig;

  constructor(options: MaxPool2dOptions) {
    super();
    checkOptions('MaxPool2d', options, ['kernelSize']);
    const label = `MaxPool2d(${JSON.stringify(options.kernelSize)})`;
    const dilation = pair(options.dilation ?? 1, `${label}: dilation`);
    this.options = {
      ...resolvePool2dOptions(label, options, dilation),
      dilation: tupleConfig(options.dilation ?? 1),
    };
  }

  /** `MaxPool2d(kernelSize)`, used in error messages. */
  get label(): string {
    return `MaxPool2d(${JSON.stringify(this.options.kernelSize)})`;
  }

  forward(x: Tensor): Tensor {
    const o = this.options;
    const dilation = pair(o.dilation);
    checkPoolInput(this.label, x, o, dilation);
    return maxPool2d(x as Tensor4D, pair(o.kernelSize), {
      strides: pair(o.stride),
      padding: o.padding,
      ceilMode: o.ceilMode,
      dilation,
    });
  }
}
