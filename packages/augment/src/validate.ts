import type { Tensor, Tensor4D } from '@tensorflow/tfjs-core';

/** Throws unless `x` is a rank-4 NHWC float32 tensor (optionally with a channel count in `channels`). */
export function checkImages(x: Tensor, op: string, channels?: readonly number[]): asserts x is Tensor4D {
  if (x == null || typeof x !== 'object' || !('rank' in x)) {
    throw new Error(`${op}: expected a rank-4 NHWC tensor, got ${String(x)}`);
  }
  if (x.rank !== 4) {
    throw new Error(
      `${op}: expected a rank-4 NHWC tensor [batch, height, width, channels], got shape [${x.shape}]`,
    );
  }
  if (x.dtype !== 'float32') {
    throw new Error(`${op}: expected float32 images (use toFloat() on integer pixels), got ${x.dtype}`);
  }
  const c = x.shape[3] as number;
  if (channels !== undefined && !channels.includes(c)) {
    throw new Error(
      `${op}: needs ${channels.join(' or ')} channel(s) (NHWC, channels last), got ${c} in shape [${x.shape}]`,
    );
  }
}

/** Throws unless `r` is an ordered pair `[lo, hi]` of finite numbers with `min <= lo <= hi`. */
export function checkRange(
  r: readonly [number, number],
  op: string,
  name: string,
  min = Number.NEGATIVE_INFINITY,
): void {
  if (
    !Array.isArray(r) ||
    r.length !== 2 ||
    !Number.isFinite(r[0]) ||
    !Number.isFinite(r[1]) ||
    r[0] > r[1] ||
    r[0] < min
  ) {
    throw new Error(
      `${op}: ${name} must be [lo, hi] with ${min > Number.NEGATIVE_INFINITY ? `${min} <= ` : ''}lo <= hi, got ${JSON.stringify(r)}`,
    );
  }
}

/** A per-channel value list: a number (broadcast to every channel) or one number per channel. */
export function perChannel(v: number | readonly number[], c: number, op: string, name: string): number[] {
  const list = typeof v === 'number' ? new Array<number>(c).fill(v) : [...v];
  if (list.length !== c || list.some((n) => typeof n !== 'number' || !Number.isFinite(n))) {
    const want = c === 1 ? '1 finite number (1 channel)' : `1 or ${c} finite numbers (one per channel)`;
    throw new Error(`${op}: ${name} needs ${want}, got ${JSON.stringify(v)}`);
  }
  return list;
}
