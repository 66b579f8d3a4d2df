import { checkNumber } from '@convkit/backend';

/** `[height, width]` from one number (square) or a pair; each a positive integer. */
export function toSize(
  size: number | readonly [number, number],
  op: string,
  name = 'size',
): [number, number] {
  const pair: [number, number] = typeof size === 'number' ? [size, size] : [size[0], size[1]];
  checkNumber(op, `${name}[0] (height)`, pair[0], { min: 1, integer: true });
  checkNumber(op, `${name}[1] (width)`, pair[1], { min: 1, integer: true });
  return pair;
}

/** `[vertical, horizontal]` padding from one number or a pair; each an integer >= 0. */
export function toPadding(padding: number | readonly [number, number], op: string): [number, number] {
  const pair: [number, number] = typeof padding === 'number' ? [padding, padding] : [padding[0], padding[1]];
  checkNumber(op, 'padding[0] (top and bottom)', pair[0], { min: 0, integer: true });
  checkNumber(op, 'padding[1] (left and right)', pair[1], { min: 0, integer: true });
  return pair;
}

/** Python's round(): half to even, as torchvision's parameter sampling uses. */
export function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
