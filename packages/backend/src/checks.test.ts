import { describe, expect, it } from 'vitest';
import { checkNumber } from './checks';

describe('checkNumber', () => {
  it('returns a number within its bounds', () => {
    expect(checkNumber('f', 'x', 0.5, { min: 0, below: 1 })).toBe(0.5);
    expect(checkNumber('f', 'x', 1, { above: 0, max: 1 })).toBe(1);
    expect(checkNumber('f', 'n', 3, { min: 1, integer: true })).toBe(3);
  });

  it('names the function, the argument, the range and the value', () => {
    expect(() => checkNumber('Adam', 'betas[0]', 1, { min: 0, below: 1 })).toThrow(
      'Adam: betas[0] must be in [0, 1), got 1',
    );
    expect(() => checkNumber('LinearLR', 'startFactor', 0, { above: 0, max: 1 })).toThrow(
      'LinearLR: startFactor must be in (0, 1], got 0',
    );
    expect(() => checkNumber('f', 'x', -1, { min: 0 })).toThrow('f: x must be >= 0, got -1');
    expect(() => checkNumber('f', 'x', 0, { above: 0 })).toThrow('f: x must be > 0, got 0');
    expect(() => checkNumber('f', 'x', 2, { max: 1 })).toThrow('f: x must be <= 1, got 2');
    expect(() => checkNumber('f', 'x', Number.NaN, { min: 0, below: 1 })).toThrow(
      'f: x must be a finite number in [0, 1), got NaN',
    );
    expect(() => checkNumber('f', 'n', 1.5, { min: 1, integer: true })).toThrow(
      'f: n must be an integer >= 1, got 1.5',
    );
    expect(() => checkNumber('f', 'x', '1')).toThrow('f: x must be a finite number, got 1');
  });
});
