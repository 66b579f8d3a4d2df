import { useBackend } from '@convkit/backend/testing';
import { describe, expect, it } from 'vitest';
import { draw, sampleStats } from '../test-helpers';
import { type TruncatedNormalOptions, truncatedNormal } from './truncated-normal';

// Values are drawn in JavaScript, so the backend does not change them.
useBackend('cpu');

const pdf = (z: number) => Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);

/** ∫ f(z)·φ(z) dz over [lo, hi] (Simpson, infinite ends cut at ±40 where φ underflows). */
function integrate(f: (z: number) => number, lo: number, hi: number): number {
  const a = Math.max(lo, -40);
  const b = Math.min(hi, 40);
  const n = 20_000;
  const h = (b - a) / n;
  let s = f(a) * pdf(a) + f(b) * pdf(b);
  for (let i = 1; i < n; i++) {
    const z = a + i * h;
    s += (i % 2 === 1 ? 4 : 2) * f(z) * pdf(z);
  }
  return (s * h) / 3;
}

/** Mean, std and CDF of N(mean, std²) truncated to [a, b], by quadrature. */
function truncatedMoments(mean: number, std: number, a: number, b: number) {
  const lo = (a - mean) / std;
  const hi = (b - mean) / std;
  const mass = integrate(() => 1, lo, hi);
  const m1 = integrate((z) => z, lo, hi) / mass;
  const m2 = integrate((z) => z * z, lo, hi) / mass;
  return {
    mean: mean + std * m1,
    std: std * Math.sqrt(m2 - m1 * m1),
    cdf: (x: number) => integrate(() => 1, lo, (x - mean) / std) / mass,
  };
}

const label = (o: object) =>
  `{ ${Object.entries(o)
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ')} }`;

const CASES: TruncatedNormalOptions[] = [
  {},
  { a: -1, b: 3 },
  { a: -0.5, b: 0.5 },
  { a: 0.5, b: 1.5 },
  { a: 1, b: 2 },
  { a: 3, b: Number.POSITIVE_INFINITY },
  { a: 6, b: 7 },
  { a: Number.NEGATIVE_INFINITY, b: -2.5 },
  { mean: 1, std: 0.5, a: 0.5, b: 3 },
  { mean: -4, std: 1, a: 0, b: 1 },
];

describe('truncatedNormal', () => {
  for (const opts of CASES) {
    it(`matches the truncated-normal law for ${label(opts)}`, () => {
      const { mean = 0, std = 1, a = -2, b = 2 } = opts;
      const { data } = draw(() => truncatedNormal([50_000], 7, opts));
      const m = sampleStats(data);
      expect(m.min).toBeGreaterThanOrEqual(Math.fround(a));
      expect(m.max).toBeLessThanOrEqual(Math.fround(b));
      const want = truncatedMoments(mean, std, a, b);
      expect(Math.abs(m.mean - want.mean)).toBeLessThan(0.02 * want.std);
      expect(Math.abs(m.std / want.std - 1)).toBeLessThan(0.02);
      // The empirical CDF at a few points inside the support.
      const lo = Number.isFinite(a) ? a : want.mean - 3 * want.std;
      const hi = Number.isFinite(b) ? b : want.mean + 3 * want.std;
      for (const t of [0.2, 0.4, 0.6, 0.8]) {
        const x = lo + t * (hi - lo);
        let below = 0;
        for (const v of data) if (v <= x) below++;
        expect(Math.abs(below / data.length - want.cdf(x))).toBeLessThan(0.01);
      }
    });
  }

  it('cuts in absolute units: std 0.02 with the default a = -2, b = 2 cuts nothing', () => {
    const m = sampleStats(draw(() => truncatedNormal([50_000], 8, { std: 0.02 })).data);
    expect(Math.abs(m.std / 0.02 - 1)).toBeLessThan(0.02);
    const cut = sampleStats(draw(() => truncatedNormal([50_000], 8, { std: 0.02, a: -0.04, b: 0.04 })).data);
    expect(cut.max).toBeLessThanOrEqual(Math.fround(0.04));
    expect(Math.abs(cut.std / (0.02 * 0.8796) - 1)).toBeLessThan(0.02);
  });

  it('validates options', () => {
    expect(() => truncatedNormal([3], 0, { std: -1 })).toThrow(/std must be > 0, got -1/);
    expect(() => truncatedNormal([3], 0, { std: 0 })).toThrow(/std must be > 0/);
    expect(() => truncatedNormal([3], 0, { a: 1, b: 1 })).toThrow(/need a < b/);
    expect(() => truncatedNormal([3], 0, { a: Number.NaN })).toThrow(/need a < b/);
    expect(() => truncatedNormal([3], 0, { low: 0 } as object)).toThrow(/unknown option 'low'/);
  });
});
