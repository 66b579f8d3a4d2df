import { checkNumber, type Rng, toRng } from '@convkit/backend';
import { fill, type Tensor } from '@tensorflow/tfjs-core';
import { checkOptions, checkShape } from '../check';
import { calculateGain, NONLINEARITIES, type Nonlinearity, unknownNonlinearity } from '../gain';
import { type FanOverride, resolveFans } from './fan-options';

/** Which fan Kaiming init preserves the variance of: activations (`fanIn`) or gradients (`fanOut`). */
export type FanMode = 'fanIn' | 'fanOut';

/** Options of `kaimingUniform` and `kaimingNormal`. Defaults are PyTorch's. */
export interface KaimingOptions {
  /** Negative slope of the leaky ReLU that follows (default 0); read only with `nonlinearity: 'leakyRelu'`. */
  a?: number;
  /** 'fanIn' (default) keeps forward activations' variance, 'fanOut' keeps backward gradients'. */
  mode?: FanMode;
  /** The nonlinearity after this layer (default 'leakyRelu', which with a = 0 is ReLU: gain √2). */
  nonlinearity?: Nonlinearity;
  /** Fans to use instead of `computeFans(shape)` (for grouped or depthwise kernels). */
  fans?: FanOverride;
}

const KEYS = ['a', 'mode', 'nonlinearity', 'fans'];

/** std = gain / √fan, gain = calculateGain(nonlinearity, a). */
function kaimingStd(who: string, shape: readonly number[], options: KaimingOptions): number | null {
  const size = checkShape(shape, who);
  checkOptions(who, options, KEYS);
  const a = checkNumber(who, 'a', options.a ?? 0);
  const mode = options.mode ?? 'fanIn';
  if (mode !== 'fanIn' && mode !== 'fanOut') {
    throw new Error(`${who}: mode must be 'fanIn' or 'fanOut', got '${String(mode)}'`);
  }
  const nonlinearity = options.nonlinearity ?? 'leakyRelu';
  if (!(NONLINEARITIES as readonly string[]).includes(nonlinearity)) {
    throw new Error(`${who}: ${unknownNonlinearity(nonlinearity)}`);
  }
  const fans = resolveFans(who, shape, options.fans);
  if (size === 0) return null;
  const fan = fans[mode];
  if (fan === 0) throw new Error(`${who}: ${mode} is 0 for shape [${shape.join(', ')}]`);
  return calculateGain(nonlinearity, a) / Math.sqrt(fan);
}

/**
 * Kaiming/He uniform init, as `torch.nn.init.kaiming_uniform_`: U(-b, b) with
 * b = gain·√(3 / fan), gain = calculateGain(nonlinearity, a), fan = fanIn or fanOut (`computeFans`).
 *
 * Defaults (a = 0, 'fanIn', 'leakyRelu') give b = √(6 / fanIn). convkit's Conv2d/Linear default, as
 * PyTorch's, is `{ a: Math.sqrt(5) }`: b = 1/√fanIn.
 *
 * He et al. 2015, "Delving deep into rectifiers".
 *
 * @example
 * const w = kaimingUniform([3, 3, 16, 32], 42, { nonlinearity: 'relu' });
 */
export function kaimingUniform(
  shape: readonly number[],
  rng: number | Rng,
  options: KaimingOptions = {},
): Tensor {
  const std = kaimingStd('kaimingUniform', shape, options);
  if (std === null) return fill([...shape], 0, 'float32');
  // U(-b, b) has variance b²/3, hence b = √3·std.
  const bound = Math.sqrt(3) * std;
  return toRng(rng).uniformTensor([...shape], -bound, bound);
}

/**
 * Kaiming/He normal init, as `torch.nn.init.kaiming_normal_`: N(0, std²) with std = gain / √fan,
 * gain = calculateGain(nonlinearity, a), fan = fanIn or fanOut (`computeFans`).
 *
 * He et al. 2015.
 *
 * @example
 * const w = kaimingNormal([3, 3, 16, 32], 42, { mode: 'fanOut', nonlinearity: 'relu' });
 */
export function kaimingNormal(
  shape: readonly number[],
  rng: number | Rng,
  options: KaimingOptions = {},
): Tensor {
  const std = kaimingStd('kaimingNormal', shape, options);
  if (std === null) return fill([...shape], 0, 'float32');
  return toRng(rng).normalTensor([...shape], 0, std);
}
