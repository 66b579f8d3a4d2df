import { useBackend } from '@convkit/backend/testing';
import { describe, expect, it } from 'vitest';
import { draw, sampleStats } from '../test-helpers';
import { orthogonal } from './orthogonal';

// Values are drawn in JavaScript, so the backend does not change them.
useBackend('cpu');

/** max |MᵀM - gain²·I| for M = W (tall) or Wᵀ (wide), W viewed as [rows, cols]. */
function orthogonalityError(w: Float32Array, rows: number, cols: number, gain: number): number {
  const tall = rows >= cols;
  const n = tall ? cols : rows;
  const m = tall ? rows : cols;
  const at = (k: number, i: number) => (tall ? w[k * cols + i] : w[i * cols + k]);
  let err = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let dot = 0;
      for (let k = 0; k < m; k++) dot += at(k, i) * at(k, j);
      err = Math.max(err, Math.abs(dot - (i === j ? gain * gain : 0)));
    }
  }
  return err;
}

describe('orthogonal', () => {
  const cases: [string, number[], number, number][] = [
    ['tall Linear', [64, 16], 64, 16],
    ['wide Linear', [16, 64], 16, 64],
    ['square', [32, 32], 32, 32],
    ['HWIO conv, tall', [3, 3, 8, 16], 72, 16],
    ['HWIO conv, wide', [1, 1, 8, 40], 8, 40],
    ['a row vector', [1, 10], 1, 10],
  ];
  for (const [name, shape, rows, cols] of cases) {
    for (const gain of [1, Math.SQRT2]) {
      it(`${name} [${shape}] gain ${gain.toFixed(3)}: WᵀW = gain²·I (WWᵀ when wide)`, () => {
        const { data, shape: got } = draw(() => orthogonal(shape, 3, { gain }));
        expect(got).toEqual(shape);
        expect(orthogonalityError(data, rows, cols, gain)).toBeLessThan(1e-5);
      });
    }
  }

  it('draws Haar-like matrices: entries of a square Q have std 1/√n', () => {
    const { data } = draw(() => orthogonal([128, 128], 9));
    expect(orthogonalityError(data, 128, 128, 1)).toBeLessThan(1e-5);
    const m = sampleStats(data);
    expect(Math.abs(m.std * Math.sqrt(128) - 1)).toBeLessThan(0.02);
    expect(Math.abs(m.mean)).toBeLessThan(0.01);
  });

  it('is reproducible and depends on the seed', () => {
    const a = draw(() => orthogonal([8, 4], 1)).data;
    const b = draw(() => orthogonal([8, 4], 1)).data;
    const c = draw(() => orthogonal([8, 4], 2)).data;
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it('validates shape and gain', () => {
    expect(() => orthogonal([8], 1)).toThrow(/rank >= 2/);
    expect(() => orthogonal([], 1)).toThrow(/rank >= 2/);
    expect(() => orthogonal([4, 4], 1, { gain: Number.NaN })).toThrow(/gain must be a finite number/);
    expect(draw(() => orthogonal([0, 4], 1)).shape).toEqual([0, 4]);
  });
});
