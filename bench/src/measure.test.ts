import { describe, expect, it } from 'vitest';
import { measure, median } from './measure';

describe('median', () => {
  it('takes the middle value, or the mean of the two middle ones', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow(/empty/);
  });
});

describe('measure', () => {
  it('warms up, then times up to maxRuns', async () => {
    let calls = 0;
    const t = await measure(
      async () => {
        calls++;
      },
      { warmup: 2, maxRuns: 5 },
    );
    expect(calls).toBe(7);
    expect(t.runs).toBe(5);
    expect(t.warmedUp).toBe(true);
    expect(t.minMs).toBeLessThanOrEqual(t.medianMs);
    expect(t.medianMs).toBeLessThanOrEqual(t.maxMs);
  });

  it('stops at the budget once minRuns are done', async () => {
    const sleep = () => new Promise<void>((r) => setTimeout(r, 20));
    const t = await measure(sleep, { warmup: 1, minRuns: 2, maxRuns: 100, budgetMs: 50 });
    expect(t.runs).toBeGreaterThanOrEqual(2);
    expect(t.runs).toBeLessThan(10);
    expect(t.medianMs).toBeGreaterThanOrEqual(15);
  });

  it('reports a single cold run when the first run is slower than slowMs', async () => {
    let calls = 0;
    const t = await measure(
      async () => {
        calls++;
        await new Promise((r) => setTimeout(r, 30));
      },
      { slowMs: 10 },
    );
    expect(calls).toBe(1);
    expect(t).toMatchObject({ runs: 1, warmedUp: false });
  });

  it('with coldIfSlow false, warms up once and times slow runs once', async () => {
    let calls = 0;
    const t = await measure(
      async () => {
        calls++;
        // The warm-up call sleeps far longer than the timed one, so a loaded machine cannot blur them.
        await new Promise((r) => setTimeout(r, calls === 1 ? 400 : 20));
      },
      { warmup: 1, slowMs: 10, budgetMs: 0, coldIfSlow: false },
    );
    expect(calls).toBe(2);
    expect(t).toMatchObject({ runs: 1, warmedUp: true });
    expect(t.medianMs).toBeLessThan(400);
  });
});
