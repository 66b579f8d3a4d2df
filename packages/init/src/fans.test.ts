import { describe, expect, it } from 'vitest';
import { computeFans, fanInBiasBound } from './fans';

describe('computeFans', () => {
  it('reads HWIO conv kernels as [kh, kw, in, out]', () => {
    expect(computeFans([3, 3, 16, 32])).toEqual({ fanIn: 144, fanOut: 288, receptiveField: 9 });
    expect(computeFans([5, 1, 3, 7])).toEqual({ fanIn: 15, fanOut: 35, receptiveField: 5 });
  });

  it('reads Linear weights as [in, out]', () => {
    expect(computeFans([784, 10])).toEqual({ fanIn: 784, fanOut: 10, receptiveField: 1 });
  });

  it('handles 1-D and 3-D kernels ([k, in, out], [kd, kh, kw, in, out])', () => {
    expect(computeFans([5, 4, 8])).toEqual({ fanIn: 20, fanOut: 40, receptiveField: 5 });
    expect(computeFans([2, 3, 3, 4, 8])).toEqual({ fanIn: 72, fanOut: 144, receptiveField: 18 });
  });

  it('gives a 1-D shape fanIn = fanOut = n', () => {
    expect(computeFans([32])).toEqual({ fanIn: 32, fanOut: 32, receptiveField: 1 });
  });

  it('throws for a scalar shape and for malformed shapes', () => {
    expect(() => computeFans([])).toThrow(/rank-0/);
    expect(() => computeFans([3, -1])).toThrow(/non-negative integers/);
    expect(() => computeFans([2.5, 3])).toThrow(/non-negative integers/);
    expect(() => computeFans('3,3' as unknown as number[])).toThrow(/array/);
  });
});

describe('fanInBiasBound', () => {
  it('is 1/sqrt(fanIn), and 0 when fanIn is 0', () => {
    expect(fanInBiasBound([3, 3, 16, 32])).toBeCloseTo(1 / 12, 15);
    expect(fanInBiasBound([100, 10])).toBeCloseTo(0.1, 15);
    expect(fanInBiasBound([0, 10])).toBe(0);
  });
});
