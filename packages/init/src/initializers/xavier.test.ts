import { useBackend } from '@convkit/backend/testing';
import { describe, expect, it } from 'vitest';
import { draw, sampleStats } from '../test-helpers';
import { xavierNormal, xavierUniform } from './xavier';

// Values are drawn in JavaScript, so the backend does not change them.
useBackend('cpu');

// [shape, fanIn, fanOut]: a Linear weight and an HWIO conv kernel with fanIn != fanOut.
const SHAPES: [number[], number, number][] = [
  [[256, 512], 256, 512],
  [[3, 3, 32, 96], 288, 864],
];
const GAINS = [1, 5 / 3, Math.SQRT2, 0.5];

describe('xavierUniform / xavierNormal', () => {
  for (const [shape, fanIn, fanOut] of SHAPES) {
    for (const gain of GAINS) {
      const std = gain * Math.sqrt(2 / (fanIn + fanOut));

      it(`uniform [${shape}] gain ${gain.toFixed(3)}: std = gain·√(2/(fanIn+fanOut)), |w| <= √3·std`, () => {
        const m = sampleStats(draw(() => xavierUniform(shape, 11, { gain })).data);
        expect(Math.abs(m.std / std - 1)).toBeLessThan(0.02);
        expect(Math.abs(m.mean)).toBeLessThan(0.02 * std);
        const bound = Math.sqrt(3) * std;
        expect(Math.max(-m.min, m.max)).toBeLessThanOrEqual(bound * (1 + 1e-6));
        expect(Math.max(-m.min, m.max)).toBeGreaterThan(bound * 0.999);
      });

      it(`normal [${shape}] gain ${gain.toFixed(3)}: std = gain·√(2/(fanIn+fanOut))`, () => {
        const m = sampleStats(draw(() => xavierNormal(shape, 12, { gain })).data);
        expect(Math.abs(m.std / std - 1)).toBeLessThan(0.02);
        expect(Math.abs(m.mean)).toBeLessThan(0.02 * std);
      });
    }
  }

  it('uses explicit fans when given', () => {
    const m = sampleStats(
      draw(() => xavierNormal([3, 3, 1, 4096], 5, { fans: { fanIn: 9, fanOut: 9 } })).data,
    );
    expect(Math.abs(m.std / Math.sqrt(2 / 18) - 1)).toBeLessThan(0.02);
  });

  it('returns an empty tensor for zero-size shapes', () => {
    expect(draw(() => xavierUniform([0, 4], 1)).shape).toEqual([0, 4]);
  });

  it('validates shape and options', () => {
    expect(() => xavierUniform([], 1)).toThrow(/rank-0/);
    expect(() => xavierNormal([4, 4], 1, { gain: -1 })).toThrow(/xavierNormal: gain must be >= 0/);
    expect(() => xavierNormal([4, 4], 1, { mode: 'fanIn' } as object)).toThrow(/unknown option 'mode'/);
    expect(() => xavierNormal([4, 4], 1, { fans: { fanIn: -1, fanOut: 2 } })).toThrow(/fans.fanIn/);
  });
});
