import { checkOneOf } from '@convkit/backend';

/** Padding of a 2-D window op: symmetric amount, `[padH, padW]`, or a tfjs-style mode. */
export type Padding2d = number | [number, number] | 'same' | 'valid';

/** Explicit pads `[[top, bottom], [left, right]]`. */
export type Pads2d = [[number, number], [number, number]];

/** `n` or `[h, w]` as a pair. */
export function pair(v: number | [number, number], what = 'value'): [number, number] {
  const p: [number, number] = typeof v === 'number' ? [v, v] : [v[0], v[1]];
  if (!p.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new Error(`${what} must be a non-negative integer or [h, w], got ${JSON.stringify(v)}`);
  }
  return p;
}

/**
 * Resolves `padding` to explicit pads for an input of spatial size `[h, w]`.
 *
 * - a number `p` or `[ph, pw]`: PyTorch's symmetric zero padding.
 * - `'valid'`: no padding.
 * - `'same'`: TensorFlow's rule, output size `ceil(in / stride)`; an odd total pad puts the
 *   extra row/column at the bottom/right. With stride 1 this equals PyTorch's `padding='same'`.
 */
export function resolvePads(
  padding: Padding2d,
  [h, w]: [number, number],
  [kh, kw]: [number, number],
  [sh, sw]: [number, number],
  [dh, dw]: [number, number] = [1, 1],
): Pads2d {
  if (padding === 'valid')
    return [
      [0, 0],
      [0, 0],
    ];
  if (padding === 'same') {
    const along = (n: number, k: number, s: number, d: number): [number, number] => {
      const effective = (k - 1) * d + 1;
      const total = Math.max(0, (Math.ceil(n / s) - 1) * s + effective - n);
      const before = Math.floor(total / 2);
      return [before, total - before];
    };
    return [along(h, kh, sh, dh), along(w, kw, sw, dw)];
  }
  const [ph, pw] = pair(padding, 'padding');
  return [
    [ph, ph],
    [pw, pw],
  ];
}

/** Output length of a window op: `floor((n + before + after - d·(k-1) - 1) / s) + 1`. */
export function outputLength(
  n: number,
  [before, after]: [number, number],
  k: number,
  s: number,
  d = 1,
): number {
  return Math.floor((n + before + after - d * (k - 1) - 1) / s) + 1;
}

/** True when every pad is zero. */
export function isZeroPad(pads: Pads2d): boolean {
  return pads[0][0] === 0 && pads[0][1] === 0 && pads[1][0] === 0 && pads[1][1] === 0;
}

/**
 * Throws unless `padding` is a padding: a non-negative integer, `[ph, pw]`, `'same'` or `'valid'`
 * (exactly: `'SAME'` is tfjs's spelling, not ours). The message names `label` (the layer) and lists the
 * valid values. Returns it.
 *
 * @example
 * checkPadding('Conv2d(3→16)', options.padding ?? 0);
 */
export function checkPadding(label: string, padding: unknown): Padding2d {
  if (typeof padding === 'number' || Array.isArray(padding)) {
    pair(padding as number | [number, number], `${label}: padding`);
    return padding as Padding2d;
  }
  return checkOneOf(label, 'padding', padding, ['same', 'valid'] as const, 'or a number or [h, w]');
}

/** The config form of a padding option (tuples as arrays, for JSON). */
export function paddingConfig(padding: Padding2d): Padding2d {
  return typeof padding === 'object' ? [padding[0], padding[1]] : padding;
}
