import { describe, expect, it } from 'vitest';
import { randomSearch, rankTrials, type TrialRecord } from './random-search';
import type { Trial, TrialOutcome, TrialRunner, TrialSpec } from './runner';
import { runTrial } from './runner';
import { choice, logUniform, uniform } from './space';

// A made-up response surface: accuracy peaks at lr = 10^-2.5 and dropout 0.2, and is better with Adam.
const surface: Trial = async (p) => {
  const d = (Math.log10(p.lr as number) + 2.5) ** 2 + 4 * ((p.dropout as number) - 0.2) ** 2;
  const acc = 0.95 - 0.1 * d - (p.opt === 'Adam' ? 0 : 0.02);
  return { valAccuracy: acc, valLoss: 1 - acc, metrics: { d } };
};
const space = { lr: logUniform(1e-5, 1), dropout: uniform(0, 0.5), opt: choice(['SGD', 'Adam']) };

/** A runner that runs every trial, then yields them in reverse order (as a pool may finish them). */
class ReversedRunner implements TrialRunner {
  readonly specificationVersion = 1 as const;
  constructor(readonly trial: Trial) {}
  async *run(trials: readonly TrialSpec[]): AsyncIterable<TrialOutcome> {
    const outcomes = await Promise.all(trials.map((t) => runTrial(this.trial, t)));
    yield* outcomes.reverse();
  }
  async close(): Promise<void> {}
}

const strip = (r: { trials: TrialRecord[]; seconds: number }) => ({
  ...r,
  seconds: 0,
  trials: r.trials.map(({ seconds, worker, ...t }) => t),
});

describe('randomSearch', () => {
  it('samples coarse trials in the space, then fine trials in a space shrunk around the top-k', async () => {
    const seen: { stage: string; epochs: number; seed: number }[] = [];
    const result = await randomSearch(
      space,
      async (p, ctx) => {
        seen.push({ stage: ctx.stage, epochs: ctx.epochs, seed: ctx.seed });
        return surface(p, ctx);
      },
      { trials: 20, epochs: 2, fine: { trials: 10, epochs: 5, topK: 3 }, seed: 7 },
    );
    expect(result.trials.map((t) => t.id)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(seen.filter((s) => s.stage === 'coarse').every((s) => s.epochs === 2 && s.seed === 7)).toBe(true);
    expect(seen.filter((s) => s.stage === 'fine').every((s) => s.epochs === 5)).toBe(true);
    const coarse = result.trials.slice(0, 20);
    const top = rankTrials(coarse).slice(0, 3);
    expect(result.fineAround).toEqual(top.map((t) => t.id));
    const fineLr = result.fineSpace?.lr as { low: number; high: number };
    const topLrs = top.map((t) => Math.log10(t.params.lr as number));
    // The fine range spans the top-3 coarse lrs, padded by 0.1 × 5 decades (clipped to the space).
    expect(Math.log10(fineLr.low)).toBeCloseTo(Math.max(-5, Math.min(...topLrs) - 0.5), 8);
    expect(Math.log10(fineLr.high)).toBeCloseTo(Math.min(0, Math.max(...topLrs) + 0.5), 8);
    for (const t of result.trials.slice(20)) {
      expect(t.stage).toBe('fine');
      expect(t.params.lr).toBeGreaterThanOrEqual(fineLr.low);
      expect(t.params.lr).toBeLessThan(fineLr.high);
    }
    // The fine stage searches where the good trials are: its median is better than the coarse median.
    const median = (ts: TrialRecord[]) =>
      ts.map((t) => t.valAccuracy as number).sort((a, b) => a - b)[ts.length >> 1];
    expect(median(result.trials.slice(20))).toBeGreaterThan(median(coarse));
    expect(result.best).toBe(rankTrials(result.trials)[0]?.id);
    expect(result.trials[0]?.metrics?.d).toBeTypeOf('number');
    // Plain JSON.
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  });

  it('is reproducible from its seed, whatever order the trials finish in', async () => {
    const options = { trials: 8, epochs: 1, fine: { trials: 4 }, seed: 3 };
    const a = await randomSearch(space, surface, options);
    const b = await randomSearch(space, new ReversedRunner(surface), options);
    expect(strip(b)).toEqual(strip(a));
    const c = await randomSearch(space, surface, { ...options, seed: 4 });
    expect(c.trials[0]?.params).not.toEqual(a.trials[0]?.params);
    // The fine stage's draws come from their own stream: more coarse trials do not move them
    // when the best coarse trials (so the fine space) stay the same.
    expect(a.trials.map((t) => t.params).slice(0, 8)).toEqual(
      (await randomSearch(space, surface, { ...options, trials: 8, fine: false })).trials.map(
        (t) => t.params,
      ),
    );
  });

  it('records a failed trial with its error, ranks it last and goes on', async () => {
    const result = await randomSearch(
      space,
      async (p, ctx) => {
        if (ctx.id === 1) return { valAccuracy: Number.NaN, valLoss: Number.NaN };
        if ((p.lr as number) > 0.05) throw new Error(`loss is NaN at step 3 (lr ${p.lr})`);
        return surface(p, ctx);
      },
      { trials: 12, epochs: 1, seed: 0, trialSeeds: 'per-trial' },
    );
    const failed = result.trials.filter((t) => t.error !== undefined);
    expect(failed.length).toBeGreaterThan(1);
    expect(failed.some((t) => /^loss is NaN at step 3/.test(t.error ?? ''))).toBe(true);
    expect(result.trials[1]).toMatchObject({
      valAccuracy: null,
      valLoss: null,
      error: 'the trial measured NaN',
    });
    const ranked = rankTrials(result.trials);
    expect(ranked.slice(-failed.length).every((t) => t.error !== undefined)).toBe(true);
    expect(result.trials.map((t) => t.seed)).toEqual(result.trials.map((t) => t.id + 1));
    expect(result.fineSpace).toBeNull();
  });

  it('ranks by lowest validation loss with metric valLoss', () => {
    const t = (id: number, valAccuracy: number, valLoss: number): TrialRecord => ({
      id,
      stage: 'coarse',
      params: {},
      seed: 0,
      epochs: 1,
      valAccuracy,
      valLoss,
      seconds: 0,
    });
    const records = [t(0, 0.9, 0.5), t(1, 0.9, 0.4), t(2, 0.8, 0.3)];
    expect(rankTrials(records).map((r) => r.id)).toEqual([1, 0, 2]);
    expect(rankTrials(records, 'valLoss').map((r) => r.id)).toEqual([2, 1, 0]);
  });

  it('calls onTrial as trials finish, and stops on its signal', async () => {
    const controller = new AbortController();
    const done: number[] = [];
    const result = await randomSearch(space, surface, {
      trials: 10,
      epochs: 1,
      fine: { trials: 5 },
      signal: controller.signal,
      onTrial: (record, progress) => {
        done.push(record.id);
        expect(progress.total).toBe(15);
        if (progress.done === 4) controller.abort();
      },
    });
    expect(done).toEqual([0, 1, 2, 3]);
    expect(result.stopped).toBe(true);
    expect(result.trials).toHaveLength(4);
    expect(result.fineSpace).toBeNull();
  });

  it('refuses bad options with the option and the value', async () => {
    await expect(randomSearch(space, surface, { trials: 0, epochs: 1 })).rejects.toThrow(
      'randomSearch: trials must be an integer ≥ 1, got 0',
    );
    await expect(
      randomSearch(space, surface, { trials: 2, epochs: 1, fine: { trials: 2, margin: 2 } }),
    ).rejects.toThrow('fine.margin must be in [0, 1], got 2');
    await expect(
      randomSearch(space, async () => ({ valAccuracy: 1 }) as never, { trials: 1, epochs: 1 }).then(
        (r) => r.trials[0]?.error,
      ),
    ).resolves.toBe("the trial's result has no number 'valLoss' (got undefined)");
  });
});
