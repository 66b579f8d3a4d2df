import { Rng } from '@convkit/backend';
import { describe, expect, it } from 'vitest';
import { checkSpace, choice, int, logUniform, sampleParam, shrinkSpace, uniform } from './space';

describe('search spaces', () => {
  it('logUniform is uniform in log: each decade of [1e-5, 1e-1) gets about a quarter of the draws', () => {
    const rng = new Rng(0);
    const spec = logUniform(1e-5, 1e-1);
    const decades = [0, 0, 0, 0];
    for (let i = 0; i < 4000; i++) {
      const x = sampleParam(spec, rng) as number;
      expect(x).toBeGreaterThanOrEqual(1e-5);
      expect(x).toBeLessThan(1e-1);
      decades[Math.floor(Math.log10(x) + 5)]++;
    }
    for (const n of decades) expect(Math.abs(n - 1000)).toBeLessThan(100); // ±3.7 σ of a binomial(4000, ¼)
  });

  it('uniform stays in [low, high) with mean near the middle', () => {
    const rng = new Rng(1);
    const xs = Array.from({ length: 4000 }, () => sampleParam(uniform(-1, 3), rng) as number);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...xs)).toBeLessThan(3);
    expect(Math.abs(xs.reduce((a, b) => a + b, 0) / xs.length - 1)).toBeLessThan(0.07);
  });

  it('int includes both ends; log ints favour small values; choice draws every value', () => {
    const rng = new Rng(2);
    const seen = new Set(Array.from({ length: 500 }, () => sampleParam(int(2, 5), rng)));
    expect([...seen].sort()).toEqual([2, 3, 4, 5]);
    const logs = Array.from({ length: 3000 }, () => sampleParam(int(1, 100, { log: true }), rng) as number);
    expect(logs.every((x) => Number.isInteger(x) && x >= 1 && x <= 100)).toBe(true);
    expect(logs.filter((x) => x <= 10).length / logs.length).toBeGreaterThan(0.4); // ≈ log 10.5 / log 201 = 0.44
    const picks = new Set(Array.from({ length: 200 }, () => sampleParam(choice(['a', true, 3]), rng)));
    expect(picks).toEqual(new Set(['a', true, 3]));
  });

  it('refuses bad ranges with the function and the values', () => {
    expect(() => logUniform(0, 1)).toThrow('logUniform: a log scale needs low > 0, got low 0');
    expect(() => uniform(2, 1)).toThrow('uniform: need finite low < high, got low 2, high 1');
    expect(() => int(1.5, 3)).toThrow('int: need integers low ≤ high');
    expect(() => choice([])).toThrow('choice: needs at least one value');
    expect(() => choice([1, 1])).toThrow('duplicate');
    expect(() => checkSpace({ lr: { kind: 'logUniform', low: -1, high: 1 } })).toThrow(
      "search space: parameter 'lr': logUniform: a log scale needs low > 0",
    );
    expect(() => checkSpace({ lr: { kind: 'loguniform' } as never })).toThrow("unknown kind 'loguniform'");
    expect(() => checkSpace({})).toThrow('no parameters');
  });

  it('shrinks each range around the best points, on the log scale for log-uniform, clipped to the range', () => {
    const space = {
      lr: logUniform(1e-5, 1e-1),
      dropout: uniform(0, 0.5),
      width: int(8, 64),
      opt: choice(['SGD', 'Adam', 'AdamW']),
    };
    const fine = shrinkSpace(
      space,
      [
        { lr: 1e-3, dropout: 0.1, width: 16, opt: 'Adam' },
        { lr: 1e-2, dropout: 0.02, width: 20, opt: 'SGD' },
      ],
      0.1,
    );
    // lr: log10 span [-3, -2] padded by 0.1 × 4 decades = 0.4 on each side.
    expect(fine.lr).toMatchObject({ kind: 'logUniform' });
    const lr = fine.lr as { low: number; high: number };
    expect(Math.log10(lr.low)).toBeCloseTo(-3.4, 10);
    expect(Math.log10(lr.high)).toBeCloseTo(-1.6, 10);
    // dropout: [0.02, 0.1] padded by 0.05, clipped at 0.
    expect(fine.dropout).toMatchObject({ kind: 'uniform', low: 0 });
    expect((fine.dropout as { high: number }).high).toBeCloseTo(0.15, 12);
    // width: [16, 20] padded by 5.6 → [10.4, 25.6] → integers [10, 26].
    expect(fine.width).toEqual({ kind: 'int', low: 10, high: 26, log: false });
    expect(fine.opt).toEqual({ kind: 'choice', values: ['SGD', 'Adam'] });
    // One best point and no margin: a sliver, still sampleable.
    const one = shrinkSpace({ lr: logUniform(1e-4, 1) }, [{ lr: 0.01 }], 0);
    expect(sampleParam(one.lr, new Rng(0))).toBeCloseTo(0.01, 6);
  });
});
