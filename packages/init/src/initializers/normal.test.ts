import { useBackend } from '@convkit/backend/testing';
import { describe, expect, it } from 'vitest';
import { draw, sampleStats } from '../test-helpers';
import { normal } from './normal';

// Values are drawn in JavaScript, so the backend does not change them.
useBackend('cpu');

describe('normal', () => {
  it('draws N(mean, std²)', () => {
    const { data, shape, dtype } = draw(() => normal([200, 500], 1, { mean: 3, std: 0.5 }));
    expect(shape).toEqual([200, 500]);
    expect(dtype).toBe('float32');
    const m = sampleStats(data);
    expect(Math.abs(m.mean - 3)).toBeLessThan(0.01);
    expect(Math.abs(m.std / 0.5 - 1)).toBeLessThan(0.01);
  });

  it('defaults to N(0, 1)', () => {
    const m = sampleStats(draw(() => normal([100_000], 2)).data);
    expect(Math.abs(m.mean)).toBeLessThan(0.02);
    expect(Math.abs(m.std - 1)).toBeLessThan(0.01);
  });

  it('rejects a negative std and bad shapes', () => {
    expect(() => normal([3], 0, { std: -1 })).toThrow(/normal: std must be >= 0, got -1/);
    expect(() => normal([3], 0, { mean: Number.POSITIVE_INFINITY })).toThrow(/mean must be a finite/);
    expect(() => normal([1.5], 0)).toThrow(/normal: shape/);
  });
});
