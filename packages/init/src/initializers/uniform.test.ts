import { useBackend } from '@convkit/backend/testing';
import { describe, expect, it } from 'vitest';
import { draw, sampleStats } from '../test-helpers';
import { uniform } from './uniform';

// Values are drawn in JavaScript, so the backend does not change them.
useBackend('cpu');

describe('uniform', () => {
  it('draws U(low, high)', () => {
    const m = sampleStats(draw(() => uniform([100_000], 1, { low: -1, high: 3 })).data);
    expect(m.min).toBeGreaterThanOrEqual(-1);
    expect(m.max).toBeLessThanOrEqual(3);
    expect(m.min).toBeLessThan(-0.99);
    expect(m.max).toBeGreaterThan(2.99);
    expect(Math.abs(m.mean - 1)).toBeLessThan(0.02);
    // U(a, b) has std (b - a)/√12.
    expect(Math.abs(m.std / (4 / Math.sqrt(12)) - 1)).toBeLessThan(0.01);
  });

  it('defaults to U(0, 1)', () => {
    const m = sampleStats(draw(() => uniform([10_000], 3)).data);
    expect(m.min).toBeGreaterThanOrEqual(0);
    expect(m.max).toBeLessThanOrEqual(1);
    expect(Math.abs(m.mean - 0.5)).toBeLessThan(0.02);
  });

  it('rejects low > high', () => {
    expect(() => uniform([3], 0, { low: 1, high: 0 })).toThrow(/need low <= high/);
    expect(() => uniform([3], 0, { lo: 0 } as object)).toThrow(
      /unknown option 'lo'; known options: low, high/,
    );
  });
});
