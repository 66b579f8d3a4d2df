import { checkOptions } from '@convkit/backend';
import type { Tensor, Tensor4D } from '@tensorflow/tfjs-core';
import { Module } from '../module';
import { pair } from '../ops/padding';
import { avgPool2d } from '../ops/pool';
import {
  checkPoolInput,
  type Pool2dConfig,
  type Pool2dLayerOptions,
  resolvePool2dOptions,
} from './pool-options';

/** Options of {@link AvgPool2d}. */
export interface AvgPool2dOptions extends Pool2dLayerOptions {
  /** Divide by the whole window, padding included (PyTorch's default). Default true. */
  countIncludePad?: boolean;
  /** Divide every window's sum by this number instead (PyTorch's `divisor_override`). Default none. */
  divisorOverride?: number;
}

/** {@link AvgPool2d}'s resolved options (`divisorOverride` only when given). */
export type AvgPool2dConfig = Pool2dConfig & { countIncludePad: boolean; divisorOverride?: number };

/**
 * Average pooling over NHWC images, PyTorch's `nn.AvgPool2d`.
 *
 * `y[n, i, j, c] = (1/D) Σ_{a<kh, b<kw} x̃[n, sh·i + a, sw·j + b, c]`, `x̃` = x zero-padded;
 * `D` = the window's positions inside the padded input with `countIncludePad` (default, PyTorch:
 * `kh·kw` except for `ceilMode`'s last windows), else inside the input (TensorFlow's `'same'` behaviour).
 * Options (defaults): `kernelSize`, `stride` (= kernelSize), `padding` 0, `countIncludePad` true,
 * `ceilMode` false (PyTorch's `ceil_mode`), `divisorOverride` none (PyTorch's `divisor_override`).
 *
 * Shapes: `[N, H, W, C] → [N, floor((H + 2·ph - kh) / sh) + 1, …, C]` (`ceil` with `ceilMode`).
 *
 * @example
 * const pool = new AvgPool2d({ kernelSize: 2 });
 * pool.call(x); // [8, 32, 32, 16] → [8, 16, 16, 16]
 */
export class AvgPool2d extends Module {
  static readonly className = 'AvgPool2d';
  override readonly options: AvgPool2dConfig;

  constructor(options: AvgPool2dOptions) {
    super();
    checkOptions('AvgPool2d', options, ['kernelSize']);
    const pool = resolvePool2dOptions(`AvgPool2d(${JSON.stringify(options.kernelSize)})`, options);
    const d = options.divisorOverride;
    if (d !== undefined && !(Number.isFinite(d) && d !== 0)) {
      throw new Error(`AvgPool2d: divisorOverride must be a non-zero number, got ${d}`);
    }
    this.options = {
      ...pool,
      countIncludePad: options.countIncludePad ?? true,
      ...(d === undefined ? {} : { divisorOverride: d }),
    };
  }

  /** @deprecated Read `options.countIncludePad`. */
  get countIncludePad(): boolean {
    return this.options.countIncludePad;
  }

  /** @deprecated Read `options.divisorOverride`. */
  get divisorOverride(): number | undefined {
    return this.options.divisorOverride;
  }

  /** `AvgPool2d(kernelSize)`, used in error messages. */
  get label(): string {
    return `AvgPool2d(${JSON.stringify(this.options.kernelSize)})`;
  }

  forward(x: Tensor): Tensor {
    const o = this.options;
    checkPoolInput(this.label, x, o);
    return avgPool2d(x as Tensor4D, pair(o.kernelSize), {
      strides: pair(o.stride),
      padding: o.padding,
      ceilMode: o.ceilMode,
      countIncludePad: o.countIncludePad,
      divisorOverride: o.divisorOverride,
    });
  }
}
