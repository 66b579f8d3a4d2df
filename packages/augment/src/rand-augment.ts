import { checkNumber, checkOneOf, type Rng } from '@convkit/backend';
import { clone, concat, gather, type Tensor, type Tensor4D, tensor1d, tidy } from '@tensorflow/tfjs-core';
import { adjustBrightness, adjustContrast, adjustSaturation } from './color';
import { rotate } from './rotate';
import { affineSample, sampleSeparable, windowAxis } from './sampling';
import { adjustSharpness } from './sharpness';
import { autoContrast, equalize, posterize, solarize } from './tone';
import { checkImages, perChannel } from './validate';

/** A RandAugment transformation: applied to a subset of samples with one signed magnitude each. */
export interface RandAugmentOp {
  readonly name: string;
  /** Whether a random sign is drawn per sample (±magnitude). */
  readonly signed: boolean;
  /** Channel counts it supports. */
  readonly channels: readonly number[];
  /** `magnitude(fraction, H, W)`: the op's strength at fraction = M / (bins − 1). */
  magnitude(fraction: number, H: number, W: number): number;
  apply(x: Tensor4D, values: Float64Array, fill: number[]): Tensor4D;
}

function shear(axis: 'x' | 'y'): RandAugmentOp {
  return {
    name: `shear${axis.toUpperCase()}`,
    signed: true,
    channels: [1, 3],
    magnitude: (f) => 0.3 * f,
    apply: (x, v, fill) => {
      // Output → input about the top-left pixel: x' = x − m·y (shearX) or y' = y − m·x (shearY).
      const m = new Float32Array(v.length * 6);
      for (const [b, s] of v.entries())
        m.set(axis === 'x' ? [1, -s, 0, 0, 1, 0] : [1, 0, 0, -s, 1, 0], b * 6);
      return affineSample(x, m, fill);
    },
  };
}

function translate(axis: 'x' | 'y'): RandAugmentOp {
  return {
    name: `translate${axis.toUpperCase()}`,
    signed: true,
    channels: [1, 3],
    magnitude: (f, H, W) => Math.trunc((150 / 331) * (axis === 'x' ? W : H) * f),
    apply: (x, v, fill) => {
      const [, H, W] = x.shape;
      const zero = new Int32Array(v.length);
      const shift = Int32Array.from(v, (s) => -s);
      const rows = windowAxis(axis === 'y' ? shift : zero, H, H, 'constant');
      const cols = windowAxis(axis === 'x' ? shift : zero, W, W, 'constant');
      return sampleSeparable(x, H, W, rows, cols, fill);
    },
  };
}

function blendOp(
  name: string,
  fn: (x: Tensor4D, f: ArrayLike<number>) => Tensor4D,
  channels = [1, 3],
): RandAugmentOp {
  return {
    name,
    signed: true,
    channels,
    magnitude: (f) => 0.9 * f,
    apply: (x, v) =>
      fn(
        x,
        Array.from(v, (s) => 1 + s),
      ),
  };
}

/**
 * The RandAugment transformations (Cubuk et al. 2020) and their magnitude scales, as torchvision
 * `RandAugment`: shear 0.3·f, translate 150/331 of the side·f (whole pixels), rotate 30°·f,
 * brightness / color (saturation) / contrast / sharpness factor 1 ± 0.9·f, posterize 8 − round(4f)
 * bits, solarize threshold 1 − f, autocontrast, equalize (on the 8-bit values), identity.
 * Geometric ops are bilinear (torchvision defaults to nearest).
 */
export const RAND_AUGMENT_OPS: readonly RandAugmentOp[] = Object.freeze([
  { name: 'identity', signed: false, channels: [1, 3], magnitude: () => 0, apply: (x: Tensor4D) => clone(x) },
  shear('x'),
  shear('y'),
  translate('x'),
  translate('y'),
  {
    name: 'rotate',
    signed: true,
    channels: [1, 3],
    magnitude: (f: number) => 30 * f,
    apply: (x: Tensor4D, v: Float64Array, fill: number[]) => rotate(x, v, fill),
  },
  blendOp('brightness', adjustBrightness),
  blendOp('color', adjustSaturation, [3]),
  blendOp('contrast', adjustContrast),
  blendOp('sharpness', adjustSharpness),
  {
    name: 'posterize',
    signed: false,
    channels: [1, 3],
    magnitude: (f: number) => 8 - Math.round(4 * f),
    apply: (x: Tensor4D, v: Float64Array) => posterize(x, v[0]),
  },
  {
    name: 'solarize',
    signed: false,
    channels: [1, 3],
    magnitude: (f: number) => 1 - f,
    apply: (x: Tensor4D, v: Float64Array) => solarize(x, v[0]),
  },
  {
    name: 'autoContrast',
    signed: false,
    channels: [1, 3],
    magnitude: () => 0,
    apply: (x: Tensor4D) => autoContrast(x),
  },
  {
    name: 'equalize',
    signed: false,
    channels: [1, 3],
    magnitude: () => 0,
    apply: (x: Tensor4D) => equalize(x),
  },
]);

/** `ops` as RandAugmentOps: names looked up in `RAND_AUGMENT_OPS` (unknown ones listed, with a did-you-mean). */
function resolveOps(ops: readonly (RandAugmentOp | string)[]): RandAugmentOp[] {
  if (!Array.isArray(ops)) throw new Error(`randAugment: ops must be an array of op names or RandAugmentOps`);
  const names = RAND_AUGMENT_OPS.map((o) => o.name);
  return ops.map((o, i) => {
    if (typeof o === 'string') {
      const name = checkOneOf('randAugment', `ops[${i}]`, o, names);
      return RAND_AUGMENT_OPS[names.indexOf(name)] as RandAugmentOp;
    }
    const op = o as Partial<RandAugmentOp> | null;
    if (
      typeof op !== 'object' ||
      op === null ||
      typeof op.apply !== 'function' ||
      typeof op.magnitude !== 'function' ||
      !Array.isArray(op.channels)
    ) {
      throw new Error(
        `randAugment: ops[${i}] must be an op name (${names.join(', ')}) or a RandAugmentOp, got ${String(o)}`,
      );
    }
    return op as RandAugmentOp;
  });
}

export interface RandAugmentOptions {
  /** Number of transformations applied in sequence to each sample. Default 2. */
  n?: number;
  /** Magnitude M in [0, bins − 1]. Default 9. */
  m?: number;
  /** Number of magnitude bins. Default 31 (M = 30 is the strongest). */
  bins?: number;
  /** Fill for pixels moved in by geometric ops, one number or one per channel. Default 0. */
  fill?: number | number[];
  /**
   * The pool of transformations, as `RandAugmentOp`s or by name (`'rotate'`, `'solarize'`: the names of
   * `RAND_AUGMENT_OPS`). Default `RAND_AUGMENT_OPS` (those supporting the channel count).
   */
  ops?: readonly (RandAugmentOp | string)[];
}

/**
 * RandAugment: N rounds; in each, every sample picks one transformation uniformly from the pool
 * and applies it at magnitude M with a random sign where the op is signed. Per-sample choices are
 * batched: samples are grouped by op, each group is gathered, transformed and put back.
 * Draws per round: each sample's op index, then each sample's sign.
 *
 * Expects float images in [0, 1]. Options: `n` (2), `m` (9), `bins` (31), `fill` (0), `ops`.
 * Shapes: [B, H, W, C] → same.
 *
 * @example
 * const y = randAugment(x, rng, { n: 2, m: 9 });
 */
export function randAugment(x: Tensor4D, rng: Rng, options: RandAugmentOptions = {}): Tensor4D {
  const op = 'randAugment';
  checkImages(x, op, [1, 3]);
  const [B, H, W, C] = x.shape;
  const n = options.n ?? 2;
  const m = options.m ?? 9;
  const bins = options.bins ?? 31;
  checkNumber(op, 'n', n, { min: 0, integer: true });
  checkNumber(op, 'bins', bins, { min: 2, integer: true });
  checkNumber(op, 'm', m, { min: 0 });
  if (m > bins - 1) throw new Error(`${op}: m must be in [0, ${bins - 1}], got ${m}`);
  const fill = perChannel(options.fill ?? 0, C, op, 'fill');
  const pool = resolveOps(options.ops ?? RAND_AUGMENT_OPS).filter((o) => o.channels.includes(C));
  if (pool.length === 0) throw new Error(`${op}: no transformation in the pool supports ${C} channel(s)`);
  const fraction = m / (bins - 1);
  return tidy(() => {
    let y: Tensor4D = x;
    for (let round = 0; round < n; round++) {
      const choice = Int32Array.from({ length: B }, () => rng.int(0, pool.length));
      const sign = Float64Array.from({ length: B }, () => (rng.uniform() < 0.5 ? -1 : 1));
      const parts: Tensor[] = [];
      const order: number[] = [];
      pool.forEach((t, k) => {
        const members: number[] = [];
        choice.forEach((c, b) => {
          if (c === k) members.push(b);
        });
        if (members.length === 0) return;
        const mag = t.magnitude(fraction, H, W);
        const values = Float64Array.from(members, (b) => (t.signed ? sign[b] * mag : mag));
        const sub = members.length === B ? y : (gather(y, tensor1d(members, 'int32'), 0) as Tensor4D);
        parts.push(t.apply(sub, values, fill));
        order.push(...members);
      });
      if (parts.length === 1) {
        y = parts[0] as Tensor4D;
        continue;
      }
      const inverse = new Int32Array(B);
      order.forEach((b, k) => {
        inverse[b] = k;
      });
      y = gather(concat(parts, 0), tensor1d(inverse, 'int32'), 0) as Tensor4D;
    }
    return y === x ? clone(x) : y;
  });
}
