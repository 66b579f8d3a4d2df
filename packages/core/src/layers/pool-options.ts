import type { Tensor } from '@tensorflow/tfjs-core';
import { checkImage, checkWindow } from '../checks';
import { outputLength, type Padding2d, paddingConfig, pair } from '../ops/padding';
import { poolPads } from '../ops/pool';
import { tupleConfig } from './options';

/** Options shared by {@link MaxPool2d} and {@link AvgPool2d}. */
export interface Pool2dLayerOptions {
  kernelSize: number | [number, number];
  /** Default: `kernelSize`. */
  stride?: number | [number, number];
  /** A number or `[ph, pw]` (at most half the kernel, as PyTorch), `'same'` or `'valid'`. Default 0. */
  padding?: Padding2d;
  /** Round the output length up, as PyTorch's `ceil_mode` (numeric padding only). Default false. */
  ceilMode?: boolean;
}

/** Validated pool options with their config form. */
export class PoolSpec {
  readonly kernel: [number, number];
  readonly stride: [number, number];
  readonly padding: Padding2d;
  readonly ceilMode: boolean;

  /** `dilation`: spacing of the window's elements (MaxPool2d's option; default 1). */
  constructor(
    readonly label: string,
    private readonly options: Pool2dLayerOptions,
    readonly dilation: [number, number] = [1, 1],
  ) {
    this.kernel = pair(options.kernelSize, `${label}: kernelSize`);
    this.stride = pair(options.stride ?? options.kernelSize, `${label}: stride`);
    this.padding = options.padding ?? 0;
    this.ceilMode = options.ceilMode ?? false;
    if (this.ceilMode && typeof this.padding === 'string') {
      throw new Error(`${label}: ceilMode needs a numeric padding, not '${this.padding}'`);
    }
    if ([...this.kernel, ...this.stride, ...dilation].some((v) => v < 1)) {
      throw new Error(`${label}: kernelSize, stride and dilation must be >= 1`);
    }
    if (typeof this.padding !== 'string') {
      const p = pair(this.padding, `${label}: padding`);
      if (p[0] > this.kernel[0] / 2 || p[1] > this.kernel[1] / 2) {
        throw new Error(`${label}: padding [${p}] must be at most half the kernel [${this.kernel}]`);
      }
    }
  }

  /** Checks `x` is NHWC and large enough for the window. */
  check(x: Tensor): void {
    checkImage(this.label, x);
    const size = [x.shape[1], x.shape[2]] as [number, number];
    const d = this.dilation;
    const pads = poolPads(size, this.kernel, this.stride, this.padding, this.ceilMode, d);
    const out: [number, number] = [
      outputLength(size[0], pads[0], this.kernel[0], this.stride[0], d[0]),
      outputLength(size[1], pads[1], this.kernel[1], this.stride[1], d[1]),
    ];
    const dilated = d[0] > 1 || d[1] > 1 ? `, dilation ${d.join('×')}` : '';
    checkWindow(
      this.label,
      size,
      out,
      `a ${this.kernel.join('×')} window (padding ${pads.join('/')}${dilated})`,
    );
  }

  config(): Record<string, unknown> {
    return {
      kernelSize: tupleConfig(this.options.kernelSize),
      stride: tupleConfig(this.options.stride ?? this.options.kernelSize),
      padding: paddingConfig(this.padding),
      ceilMode: this.ceilMode,
    };
  }
}
