import type { Tensor, Tensor4D } from '@tensorflow/tfjs-core';
import { Module, type ModuleConfig } from '../module';
import { avgPool2d } from '../ops/pool';
import { type Pool2dLayerOptions, PoolSpec } from './pool-options';

/** Options of {@link AvgPool2d}. */
export interface AvgPool2dOptions extends Pool2dLayerOptions {
  /** Divide by the whole window, padding included (PyTorch's default). Default true. */
  countIncludePad?: boolean;
  /** Divide every window's sum by this number instead (PyTorch's `divisor_override`). Default none. */
  divisorOverride?: number;
}

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
  private readonly spec: PoolSpec;
  readonly countIncludePad: boolean;
  readonly divisorOverride?: number;

  constructor(options: AvgPool2dOptions) {
    super();
    this.spec = new PoolSpec(`AvgPool2d(${JSON.stringify(options.kernelSize)})`, options);
    this.countIncludePad = options.countIncludePad ?? true;
    const d = options.divisorOverride;
    if (d !== undefined && !(Number.isFinite(d) && d !== 0)) {
      throw new Error(`AvgPool2d: divisorOverride must be a non-zero number, got ${d}`);
    }
    this.divisorOverride = d;
  }

  forward(x: Tensor): Tensor {
    this.spec.check(x);
    return avgPool2d(x as Tensor4D, this.spec.kernel, {
      strides: this.spec.stride,
      padding: this.spec.padding,
      ceilMode: this.spec.ceilMode,
      countIncludePad: this.countIncludePad,
      divisorOverride: this.divisorOverride,
    });
  }

  override toConfig(): ModuleConfig {
    return {
      className: this.className,
      config: {
        ...this.spec.config(),
        countIncludePad: this.countIncludePad,
        ...(this.divisorOverride === undefined ? {} : { divisorOverride: this.divisorOverride }),
      },
    };
  }
}
