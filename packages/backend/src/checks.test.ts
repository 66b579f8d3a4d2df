import { describe, expect, it } from 'vitest';
import { checkNumber, checkOneOf, checkOptions, checkSeed } from './checks';

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

describe('checkOptions', () => {
  it('returns the options object, or {} for undefined when nothing is required', () => {
    const o = { a: 1 };
    expect(checkOptions('f', o)).toBe(o);
    expect(checkOptions('f', undefined)).toEqual({});
  });

  it('names the caller and the options it needs', () => {
    expect(() => checkOptions('Conv2d', undefined, ['inChannels', 'outChannels'])).toThrow(
      'Conv2d: needs an options object { inChannels, outChannels, ... }, got undefined',
    );
    expect(() => checkOptions('ELU', null as never)).toThrow(
      'ELU: needs an options object { ... }, got null',
    );
    expect(() => checkOptions('ELU', [1] as never)).toThrow(
      'ELU: needs an options object { ... }, got an array',
    );
    expect(() => checkOptions('ELU', 'x' as never)).toThrow("ELU: needs an options object { ... }, got 'x'");
  });
});

describe('checkSeed', () => {
  it('accepts integers in [0, 2^32), nothing else', () => {
    expect(checkSeed('f', 'seed', 0)).toBe(0);
    expect(checkSeed('f', 'seed', 2 ** 32 - 1)).toBe(2 ** 32 - 1);
    for (const bad of [1.5, -1, 2 ** 32, Number.NaN, '3']) {
      expect(() => checkSeed('Linear', 'rng', bad)).toThrow(
        'Linear: rng must be an integer seed in [0, 2^32), got',
      );
    }
  });
});

describe('checkOneOf', () => {
  it('returns a known value; otherwise lists the known ones, with the closest first', () => {
    expect(checkOneOf('f', 'mode', 'same', ['same', 'valid'])).toBe('same');
    expect(() => checkOneOf('Conv2d(3→8)', 'padding', 'SAME', ['same', 'valid'], 'or a number')).toThrow(
      "Conv2d(3→8): padding must be one of 'same', 'valid' or a number, got 'SAME' (did you mean 'same'?)",
    );
    expect(() => checkOneOf('f', 'op', 'rotat', ['rotate', 'shearX'])).toThrow("(did you mean 'rotate'?)");
    expect(() => checkOneOf('f', 'op', 'zzzzzz', ['rotate', 'shearX'])).toThrow(
      /^f: op must be one of 'rotate', 'shearX', got 'zzzzzz'$/,
    );
    expect(() => checkOneOf('f', 'op', 3, ['a'])).toThrow("f: op must be one of 'a', got 3");
  });
});
