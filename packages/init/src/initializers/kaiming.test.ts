import { useBackend } from '@convkit/backend/testing';
import { describe, expect, it } from 'vitest';
import { calculateGain, type Nonlinearity } from '../gain';
import { draw, sampleStats } from '../test-helpers';
import { type FanMode, kaimingNormal, kaimingUniform } from './kaiming';

// Values are drawn in JavaScript, so the backend does not change them.
useBackend('cpu');

// HWIO kernel with fanIn = 288, fanOut = 864, so the two modes differ by √3 in std.
const SHAPE = [3, 3, 32, 96];
const FANS = { fanIn: 288, fanOut: 864 };
const CASES: { nonlinearity?: Nonlinearity; a?: number }[] = [
  {},
  { nonlinearity: 'relu' },
  { nonlinearity: 'leakyRelu', a: 0.2 },
  { nonlinearity: 'leakyRelu', a: Math.sqrt(5) },
  { nonlinearity: 'tanh' },
  { nonlinearity: 'linear' },
];

describe('kaimingUniform / kaimingNormal', () => {
  for (const mode of ['fanIn', 'fanOut'] as FanMode[]) {
    for (const c of CASES) {
      // Defaults: a = 0 and 'leakyRelu', i.e. gain √2.
      const gain = calculateGain(c.nonlinearity ?? 'leakyRelu', c.a ?? 0);
      const std = gain / Math.sqrt(FANS[mode]);
      const label = `${mode} ${c.nonlinearity ?? 'default'} a=${c.a ?? 0}`;

      it(`uniform ${label}: std = gain/√fan, |w| <= √3·std`, () => {
        const m = sampleStats(draw(() => kaimingUniform(SHAPE, 21, { ...c, mode })).data);
        expect(Math.abs(m.std / std - 1)).toBeLessThan(0.02);
        const bound = Math.sqrt(3) * std;
        expect(Math.max(-m.min, m.max)).toBeLessThanOrEqual(bound * (1 + 1e-6));
        expect(Math.max(-m.min, m.max)).toBeGreaterThan(bound * 0.999);
      });

      it(`normal ${label}: std = gain/√fan`, () => {
        const m = sampleStats(draw(() => kaimingNormal(SHAPE, 22, { ...c, mode })).data);
        expect(Math.abs(m.std / std - 1)).toBeLessThan(0.02);
        expect(Math.abs(m.mean)).toBeLessThan(0.02 * std);
      });
    }
  }

  it('defaults to PyTorch: a = 0, fanIn, leakyRelu → std = √(2/fanIn)', () => {
    const m = sampleStats(draw(() => kaimingNormal([512, 256], 3)).data);
    expect(Math.abs(m.std / Math.sqrt(2 / 512) - 1)).toBeLessThan(0.02);
  });

  it('with a = √5 (the Conv2d/Linear default) has bound 1/√fanIn', () => {
    const m = sampleStats(draw(() => kaimingUniform([3, 3, 16, 32], 4, { a: Math.sqrt(5) })).data);
    expect(Math.max(-m.min, m.max)).toBeLessThanOrEqual(1 / 12);
    expect(Math.max(-m.min, m.max)).toBeGreaterThan(0.999 / 12);
  });

  it('uses explicit fans when given (depthwise kernel)', () => {
    const m = sampleStats(
      draw(() => kaimingNormal([3, 3, 2048, 1], 5, { fans: { fanIn: 9, fanOut: 9 } })).data,
    );
    expect(Math.abs(m.std / (Math.SQRT2 / 3) - 1)).toBeLessThan(0.02);
  });

  it('returns an empty tensor for zero-size shapes', () => {
    expect(draw(() => kaimingNormal([3, 3, 0, 8], 1)).shape).toEqual([3, 3, 0, 8]);
  });

  it('validates shape, mode and nonlinearity', () => {
    expect(() => kaimingUniform([], 1)).toThrow(/rank-0/);
    expect(() => kaimingUniform([4, 4], 1, { mode: 'fan_in' as FanMode })).toThrow(
      /mode must be 'fanIn' or 'fanOut', got 'fan_in'/,
    );
    expect(() => kaimingNormal([4, 4], 1, { nonlinearity: 'leaky_relu' as Nonlinearity })).toThrow(
      /kaimingNormal: unknown nonlinearity 'leaky_relu' \(did you mean 'leakyRelu'\?\)/,
    );
    expect(() => kaimingNormal([4, 4], 1, { a: Number.NaN })).toThrow(/a must be a finite number/);
    expect(() => kaimingNormal([4, -4], 1)).toThrow(/shape/);
  });
});
