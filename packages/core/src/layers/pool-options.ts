import type { Tensor } from '@tensorflow/tfjs-core';
import { checkImage, checkWindow } from '../checks';
import { checkPadding, outputLength, type Padding2d, paddingConfig, pair } from '../ops/padding';
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

/** The resolved form of {@link Pool2dLayerOptions}: every default filled in, tuples copied. */
export type Pool2dConfig = Required<Pool2dLayerOptions>;

/**
 * Checks the pool options (and MaxPool2d's `dilation`) and fills in their defaults: the shared part of
 * both pool layers' resolved options.
 */
export function resolvePool2dOptions(
  label: string,
  options: Pool2dLayerOptions,
  dilation: [number, number] = [1, 1],
): Pool2dConfig {
  const kernel = pair(options.kernelSize, `${label}: kernelSize`);
  const stride = pair(options.stride ?? options.kernelSize, `${label}: stride`);
  const padding = checkPadding(label, options.padding ?? 0);
  const ceilMode = options.ceilMode ?? false;
  if (ceilMode && typeof padding === 'string') {
    throw new Error(`${label}: ceilMode needs a numeric padding, not '${padding}'`);
  }
  if ([...kernel, ...stride, ...dilation].some((v) => v < 1)) {
    throw new Error(`${label}: kernelSize, stride and dilation must be >= 1`);
  }
  if (typeof padding !== 'string') {
    const p = pair(padding, `${label}: padding`);
    if (p[0] > kernel[0] / 2 || p[1] > kernel[1] / 2) {
      throw new Error(`${label}: padding [${p}] must be at most half the kernel [${kernel}]`);
    }
  }
  return {
    kernelSize: tupleConfig(options.kernelSize),
    stride: tupleConfig(options.stride ?? options.kernelSize),
    padding: paddingConfig(padding),
    ceilMode,
  };
}

/** Checks `x` is NHWC and large enough for the pool window of `config` (and `dilation`). */
export function checkPoolInput(
  label: string,
  x: Tensor,
  config: Pool2dConfig,
  dilation: [number, number] = [1, 1],
): void {
  checkImage(label, x);
  const size = [x.shape[1], x.shape[2]] as [number, number];
  const kernel = pair(config.kernelSize);
  const stride = pair(config.stride);
  const pads = poolPads(size, kernel, stride, config.padding, config.ceilMode, dilation);
  const out: [number, number] = [
    outputLength(size[0], pads[0], kernel[0], stride[0], dilation[0]),
    outputLength(size[1], pads[1], kernel[1], stride[1], dilation[1]),
  ];
  const dilated = dilation[0] > 1 || dilation[1] > 1 ? `, dilation ${dilation.join('×')}` : '';
  checkWindow(label, size, out, `a ${kernel.join('×')} window (padding ${pads.join('/')}${dilated})`);
}
