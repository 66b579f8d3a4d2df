import { useBackend } from '@convkit/backend/testing';
import { dispose } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { Adam } from '../optim/adam';
import type { Optimizer, OptimizerStateDict } from '../optim/optimizer';
import { SGD } from '../optim/sgd';
import { golden, owned, type ScheduleCase, type ScheduleSpec } from '../test-helpers';
import { ChainedScheduler } from './chained-scheduler';
import { createScheduleRegistry } from './registry';
import type { LrScheduler, ScheduleStateDict } from './scheduler';
import { SequentialLR } from './sequential-lr';

const SCHEDULES = createScheduleRegistry();

export function buildSchedule(spec: ScheduleSpec, opt: Optimizer): LrScheduler {
  if ('schedulers' in spec) {
    const subs = spec.schedulers.map((s) => buildSchedule(s, opt));
    return spec.kind === 'SequentialLR'
      ? new SequentialLR(opt, subs, { milestones: spec.milestones ?? [] })
      : new ChainedScheduler(subs);
  }
  return SCHEDULES.create(spec.kind, opt, spec.options);
}

/** The optimizer of the fixtures: two groups, lr 0.1 and 0.02 (SGD with momentum 0.9, or Adam). */
function optimizerFor(c: ScheduleCase) {
  const vars = [owned([0, 0], [2]), owned([0, 0, 0], [3])];
  const groups = [
    { params: [['a', vars[0]] as const], lr: 0.1 },
    { params: [['b', vars[1]] as const], lr: 0.02 },
  ];
  const opt: Optimizer =
    c.optimizer === 'SGD' ? new SGD(groups, { lr: 0.1, momentum: 0.9 }) : new Adam(groups);
  return { opt, dispose: () => dispose(vars) };
}

const momenta = (opt: Optimizer) =>
  opt.paramGroups.map((g) => {
    const h = g as unknown as { momentum?: number; betas?: number[] };
    return h.betas ? h.betas[0] : (h.momentum as number);
  });

function expectRates(actual: number[], expected: number[], what: string): void {
  actual.forEach((v, i) => {
    expect(Math.abs(v - expected[i]), `${what}: group ${i}: ${v} vs ${expected[i]}`).toBeLessThanOrEqual(
      1e-12 * Math.abs(expected[i]) + 1e-15,
    );
  });
}

const stepOf = (c: ScheduleCase, s: LrScheduler, t: number) => (c.metrics ? s.step(c.metrics[t]) : s.step());

describe('schedules match torch.optim.lr_scheduler', () => {
  useBackend('cpu'); // schedules do arithmetic on numbers: one backend is enough

  for (const c of golden.schedules) {
    it(c.name, () => {
      const { opt, dispose: free } = optimizerFor(c);
      const schedule = buildSchedule(c.schedule, opt);
      c.lrs.forEach((expected, t) => {
        if (t > 0) stepOf(c, schedule, t - 1);
        expectRates(
          opt.paramGroups.map((g) => g.lr),
          expected,
          `${c.name}, step ${t}`,
        );
        expectRates(schedule.lastLr, expected, `${c.name}, lastLr at step ${t}`);
        expectRates(momenta(opt), c.momenta[t], `${c.name}, momentum at step ${t}`);
      });
      free();
    });

    it(`${c.name}: resumes exactly from its state dict (through JSON)`, () => {
      const half = Math.floor((c.lrs.length - 1) / 2);
      const a = optimizerFor(c);
      const sa = buildSchedule(c.schedule, a.opt);
      for (let t = 0; t < half; t++) stepOf(c, sa, t);
      const saved = JSON.stringify({ schedule: sa.stateDict(), optimizer: a.opt.stateDict() });
      const b = optimizerFor(c);
      const sb = buildSchedule(c.schedule, b.opt); // built before loading, as in PyTorch; order does not matter
      const { schedule, optimizer } = JSON.parse(saved) as {
        schedule: ScheduleStateDict;
        optimizer: OptimizerStateDict;
      };
      b.opt.loadStateDict(optimizer);
      sb.loadStateDict(schedule);
      for (let t = half; t < c.lrs.length - 1; t++) {
        stepOf(c, sa, t);
        stepOf(c, sb, t);
        expect(b.opt.paramGroups.map((g) => g.lr)).toEqual(a.opt.paramGroups.map((g) => g.lr));
        expect(momenta(b.opt)).toEqual(momenta(a.opt));
      }
      a.dispose();
      b.dispose();
    });
  }
});
