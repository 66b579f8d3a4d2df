import { describe, expect, it } from 'vitest';
import { outputLength, pair, resolvePads } from './padding';

describe('resolvePads', () => {
  it('numbers and pairs pad both sides (PyTorch)', () => {
    expect(resolvePads(1, [5, 5], [3, 3], [1, 1])).toEqual([
      [1, 1],
      [1, 1],
    ]);
    expect(resolvePads([2, 0], [5, 5], [3, 3], [1, 1])).toEqual([
      [2, 2],
      [0, 0],
    ]);
  });

  it("'same' with stride 1 equals PyTorch's: total d·(k-1), the extra at the end", () => {
    for (const [k, d] of [
      [3, 1],
      [4, 1],
      [3, 2],
      [2, 3],
    ]) {
      const total = d * (k - 1);
      const [[top, bottom]] = resolvePads('same', [7, 7], [k, k], [1, 1], [d, d]);
      expect([top, bottom]).toEqual([Math.floor(total / 2), total - Math.floor(total / 2)]);
      expect(outputLength(7, [top, bottom], k, 1, d)).toBe(7);
    }
  });

  it("'same' with stride s gives ceil(n / s) outputs (TensorFlow)", () => {
    for (const n of [5, 6, 7, 8]) {
      const [rows] = resolvePads('same', [n, n], [3, 3], [2, 2]);
      expect(outputLength(n, rows, 3, 2)).toBe(Math.ceil(n / 2));
    }
  });

  it('rejects negative or fractional values', () => {
    expect(() => pair(-1, 'padding')).toThrow('padding must be a non-negative integer or [h, w], got -1');
    expect(() => pair([1, 0.5], 'stride')).toThrow(/stride must be/);
  });
});
