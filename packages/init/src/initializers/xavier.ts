import { checkNumber, type Rng, toRng } from '@convkit/backend';
import { fill, type Tensor } from '@tensorflow/tfjs-core';
import { checkOptions, checkShape } from '../check';
import { type FanOverride, resolveFans } from './fan-options';

/** Options of `xavierUniform` and `xavierNormal`. */
export interface XavierOptions {
  /** Scale factor, >= 0 (default 1); see `calculateGain`. */
  gain?: number;
  /** Fans to use instead of `computeFans(shape)` (for grouped or depthwise kernels). */
  fans?: FanOverride;
}

const KEYS = ['gain', 'fans'];

/** std = gain·√(2 / (fanIn + fanOut)). */
function xavierStd(who: string, shape: readonly number[], options: XavierOptions): number | null {
  const size = checkShape(shape, who);
  checkOptions(who, options, KEYS);
  const gain = checkNumber(who, 'gain', options.gain ?? 1, { min: 0 });
  const { fanIn, fanOut } = resolveFans(who, shape, options.fans);
  if (size === 0) return null;
  if (fanIn + fanOut === 0) throw new Error(`${who}: fanIn + fanOut is 0 for shape [${shape.join(', ')}]`);
  return gain * Math.sqrt(2 / (fanIn + fanOut));
}

/**
 * Xavier/Glorot uniform init, as `torch.nn.init.xavier_uniform_`: U(-b, b) with
 * b = gain·√(6 / (fanIn + fanOut)) (so std = gain·√(2 / (fanIn + fanOut))). Fans from `computeFans`.
 *
 * Glorot & Bengio 2010, "Understanding the difficulty of training deep feedforward neural networks".
 *
 * @example
 * const w = xavierUniform([3, 3, 16, 32], 42, { gain: calculateGain('tanh') });
 */
export function xavierUniform(
  shape: readonly number[],
  rng: number | Rng,
  options: XavierOptions = {},
): Tensor {
  const std = xavierStd('xavierUniform', shape, options);
  if (std === null) return fill([...shape], 0, 'float32');
  // U(-b, b) has variance b²/3, hence b = √3·std.
  const bound = Math.sqrt(3) * std;
  return toRng(rng).uniformTensor([...shape], -bound, bound);
}

/**
 * Xavier/Glorot normal init, as `torch.nn.init.xavier_normal_`: N(0, std²) with
 * std = gain·√(2 / (fanIn + fanOut)). Fans from `computeFans`.
 *
 * Glorot & Bengio 2010.
 *
 * @example
 * const w = xavierNormal([784, 10], 42);
 */
export function xavierNormal(
  shape: readonly number[],
  rng: number | Rng,
  options: XavierOptions = {},
): Tensor {
  const std = xavierStd('xavierNormal', shape, options);
  if (std === null) return fill([...shape], 0, 'float32');
  return toRng(rng).normalTensor([...shape], 0, std);
}
