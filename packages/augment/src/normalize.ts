import { checkNumber } from '@convkit/backend';
import { add, cast, div, mul, sub, type Tensor, type Tensor4D, tensor, tidy } from '@tensorflow/tfjs-core';
import { channelConstant } from './mask';
import { checkImages, perChannel } from './validate';

/** Per-channel constants tiled to [1, H, W, C] (fast broadcast on wasm; same values, same results). */
function channelTensor(v: number | readonly number[], x: Tensor4D, op: string, name: string): Tensor {
  const [, H, W, c] = x.shape;
  return channelConstant(perChannel(v, c, op, name), H, W);
}

type PerChannel = number | readonly number[];

/**
 * Checks images and per-channel `mean` / `std` (std > 0), and applies `f` to x and both tiled to
 * [1, H, W, C], inside `tidy`: the shared body of `normalizeChannels` and `denormalize`.
 */
function perChannelAffine(
  op: string,
  x: Tensor4D,
  mean: PerChannel,
  std: PerChannel,
  f: (x: Tensor, mean: Tensor, std: Tensor) => Tensor,
): Tensor4D {
  checkImages(x, op);
  for (const s of perChannel(std, x.shape[3], op, 'std')) {
    if (!(s > 0)) throw new Error(`${op}: std must be > 0 in every channel, got ${JSON.stringify(std)}`);
  }
  return tidy(() => f(x, channelTensor(mean, x, op, 'mean'), channelTensor(std, x, op, 'std')) as Tensor4D);
}

/**
 * Per-channel standardization ("center and scale each channel"): out = (x − mean_c) / std_c.
 * (Named apart from @convkit/norms' `normalize`, which normalizes by a batch's own statistics.)
 *
 * `mean`, `std`: one number or one per channel (e.g. `CIFAR10_STATS.mean`). Shapes: [B, H, W, C] → same.
 * Deterministic: a `compose` pipeline applies it in training and evaluation.
 *
 * @example
 * const y = normalizeChannels(x, CIFAR10_STATS.mean, CIFAR10_STATS.std);
 */
export function normalizeChannels(x: Tensor4D, mean: PerChannel, std: PerChannel): Tensor4D {
  return perChannelAffine('normalizeChannels', x, mean, std, (t, m, s) => div(sub(t, m), s));
}

/**
 * Undoes `normalizeChannels` to show images again: out = x·std_c + mean_c.
 *
 * Shapes: [B, H, W, C] → same.
 *
 * @example
 * const shown = denormalize(normalizeChannels(x, m, s), m, s);
 */
export function denormalize(x: Tensor4D, mean: PerChannel, std: PerChannel): Tensor4D {
  return perChannelAffine('denormalize', x, mean, std, (t, m, s) => add(mul(t, s), m));
}

/** @deprecated Renamed `normalizeChannels` (one name, one meaning: @convkit/norms has `normalize`). */
export const normalize = normalizeChannels;

type IntArray =
  | Uint8Array
  | Uint8ClampedArray
  | Int8Array
  | Uint16Array
  | Int16Array
  | Int32Array
  | Float32Array
  | number[];

/**
 * Integer pixels to float32: out = x·scale (default 1/255, so uint8 [0, 255] → [0, 1]).
 * Takes a tensor (any dtype, any rank), or a typed array with its shape.
 * With scale 1/k for an integer k it divides by k, which is correctly rounded (multiplying by the
 * float32 of 1/255 can be one ulp off); this matches torchvision `ToTensor` bit for bit.
 *
 * @example
 * const x = toFloat(uint8Pixels, [n, 28, 28, 1]);       // [0, 1]
 * const y = toFloat(intTensor, undefined, 1);            // just a cast
 */
export function toFloat(x: Tensor | IntArray, shape?: readonly number[], scale = 1 / 255): Tensor {
  checkNumber('toFloat', 'scale', scale, { above: 0 }); // 0 gave all-zero images
  return tidy(() => {
    let t: Tensor;
    if (Array.isArray(x) || ArrayBuffer.isView(x)) {
      if (shape === undefined) throw new Error('toFloat: a typed array needs its shape');
      t = tensor(Float32Array.from(x as ArrayLike<number>), [...shape]);
    } else {
      t = cast(x as Tensor, 'float32');
      if (shape !== undefined && shape.join() !== t.shape.join()) {
        throw new Error(`toFloat: shape [${shape}] does not match the tensor's [${t.shape}]`);
      }
    }
    const k = 1 / scale;
    if (Math.abs(k - Math.round(k)) < 1e-9 * Math.abs(k)) return div(t, Math.round(k));
    return mul(t, scale);
  });
}
