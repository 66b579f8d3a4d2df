import { useBackend } from '@convkit/backend/testing';
import { dispose } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { Adam } from '../optim/adam';
import { RMSprop } from '../optim/rmsprop';
import { SGD } from '../optim/sgd';
import { owned } from '../test-helpers';
import { ChainedScheduler } from './chained-scheduler';
import { CosineAnnealingLR } from './cosine-annealing-lr';
import { CosineAnnealingWarmRestarts } from './cosine-annealing-warm-restarts';
import { ExponentialLR } from './exponential-lr';
import { LinearLR } from './linear-lr';
import { MultiStepLR } from './multi-step-lr';
import { OneCycleLR } from './one-cycle-lr';
import { ReduceLROnPlateau } from './reduce-lr-on-plateau';
import { createScheduleRegistry } from './registry';
import { SequentialLR } from './sequential-lr';
import { StepLR } from './step-lr';

function sgd(lr = 0.1) {
  const v = owned([1], [1]);
  return { opt: new SGD([v], { lr }), free: () => v.dispose() };
}

describe('LrScheduler', () => {
  useBackend('cpu');

  it('a registry builds schedules by className, with did-you-mean; options are resolved', () => {
    const { opt, free } = sgd();
    const registry = createScheduleRegistry();
    expect(registry.names()).toEqual([
      'StepLR',
      'MultiStepLR',
      'ExponentialLR',
      'CosineAnnealingLR',
      'CosineAnnealingWarmRestarts',
      'LinearLR',
      'OneCycleLR',
      'ReduceLROnPlateau',
    ]);
    const s = registry.create('CosineAnnealingLR', opt, { tMax: 10 });
    expect(s).toBeInstanceOf(CosineAnnealingLR);
    expect(s.options).toEqual({ tMax: 10, etaMin: 0 });
    expect(new MultiStepLR(opt, { milestones: [5, 2] }).options).toEqual({ milestones: [2, 5], gamma: 0.1 });
    expect(() => registry.create('step', opt)).toThrow(/unknown schedule 'step' \(did you mean 'StepLR'\?\)/);
    expect(() => registry.create('one_cycle', opt)).toThrow(/did you mean 'OneCycleLR'/);
    expect(() => registry.create('StepLR', opt, { step_size: 3 })).toThrow(
      /StepLR: unknown option 'step_size' \(did you mean 'stepSize'\?\)/,
    );
    free();
  });

  it('checks options, naming the schedule and the value, before touching the optimizer', () => {
    const { opt, free } = sgd();
    const cases: [() => unknown, RegExp][] = [
      [() => new StepLR(opt, { stepSize: 0 }), /StepLR: stepSize must be >= 1, got 0/],
      [
        () => new OneCycleLR(opt, undefined as never),
        /OneCycleLR: needs an options object \{ maxLr, totalSteps \(or epochs and stepsPerEpoch\), \.\.\. \}, got undefined/,
      ],
      [
        // 4 steps with pctStart 0.25: the warm-up would have no steps (every rate NaN before this check).
        () => new OneCycleLR(opt, { maxLr: 0.1, totalSteps: 4, pctStart: 0.25 }),
        /OneCycleLR: pctStart 0.25 of totalSteps 4 leaves a phase of the cycle without steps/,
      ],
      [
        () => new OneCycleLR(opt, { maxLr: 0.1, totalSteps: 10, pctStart: 0.1 }),
        /OneCycleLR: pctStart 0.1 of totalSteps 10 leaves a phase of the cycle without steps/,
      ],
      [
        () => new StepLR(opt, { stepSize: 2, gamma: Number.NaN }),
        /StepLR: gamma must be a finite number > 0, got NaN/,
      ],
      [
        () => new MultiStepLR(opt, { milestones: [3, -1] }),
        /MultiStepLR: milestones\[1\] must be >= 0, got -1/,
      ],
      [
        () => new ExponentialLR(opt, {} as never),
        /ExponentialLR: gamma must be a finite number > 0, got undefined/,
      ],
      [() => new CosineAnnealingLR(opt, { tMax: 0 }), /CosineAnnealingLR: tMax must be > 0, got 0/],
      [
        () => new CosineAnnealingWarmRestarts(opt, { t0: 2, tMult: 1.5 }),
        /tMult must be an integer >= 1, got 1.5/,
      ],
      [() => new LinearLR(opt, { startFactor: 0 }), /LinearLR: startFactor must be in \(0, 1\], got 0/],
      [() => new LinearLR(opt, { endFactor: 2 }), /LinearLR: endFactor must be in \[0, 1\], got 2/],
      [() => new OneCycleLR(opt, { maxLr: 1 }), /OneCycleLR: give totalSteps, or epochs and stepsPerEpoch/],
      [
        () => new OneCycleLR(opt, { maxLr: [1, 2], totalSteps: 5 }),
        /OneCycleLR: maxLr needs 1 values \(one per group\), got 2/,
      ],
      [
        () => new OneCycleLR(opt, { maxLr: 1, totalSteps: 5, annealStrategy: 'cosine' as never }),
        /annealStrategy must be 'cos' or 'linear', got 'cosine'/,
      ],
      [
        () => new ReduceLROnPlateau(opt, { factor: 1 }),
        /ReduceLROnPlateau: factor must be in \[0, 1\), got 1/,
      ],
      [
        () => new ReduceLROnPlateau(opt, { mode: 'minimum' as never }),
        /mode must be 'min' or 'max', got 'minimum'/,
      ],
    ];
    for (const [build, message] of cases) expect(build).toThrow(message);
    expect(opt.paramGroups[0].initialLr).toBeUndefined();
    expect(opt.paramGroups[0].lr).toBe(0.1);
    free();
  });

  it('OneCycleLR refuses an optimizer without momentum when cycling it; steps past totalSteps throw', () => {
    const plain = { name: 'Plain', optionNames: ['lr'], paramGroups: [{ lr: 0.1 }] };
    expect(() => new OneCycleLR(plain as never, { maxLr: 1, totalSteps: 4 })).toThrow(
      /OneCycleLR: cycleMomentum needs an optimizer with momentum or betas \(Plain has neither\); pass cycleMomentum: false/,
    );
    const v = owned([1], [1]);
    const w = owned([1], [1]);
    const adam = new Adam([v], { lr: 0.1 });
    const s = new OneCycleLR(adam, { maxLr: 1, totalSteps: 2 });
    s.step();
    s.step(); // steps 0 (when built), 1, 2 = totalSteps: the last rate
    expect(() => s.step()).toThrow(/OneCycleLR: stepped past the end of the cycle \(step 3, totalSteps 2\)/);
    const rms = new RMSprop([w], {});
    new OneCycleLR(rms, { maxLr: 1, totalSteps: 10 });
    expect(rms.paramGroups[0].momentum).toBe(0.95); // step 0: the maximum
    dispose([v, w]);
  });

  it('ReduceLROnPlateau needs its metric', () => {
    const { opt, free } = sgd();
    const s = new ReduceLROnPlateau(opt);
    expect(s.needsMetric).toBe(true);
    expect(() => s.step()).toThrow(
      /ReduceLROnPlateau.step: needs the monitored metric \(a number\), got undefined/,
    );
    expect(() => s.step(Number.NaN)).toThrow(/got NaN/);
    free();
  });

  it('composites check their schedules', () => {
    const a = sgd();
    const b = sgd();
    const mine = new StepLR(a.opt, { stepSize: 2 });
    const theirs = new StepLR(b.opt, { stepSize: 2 });
    expect(() => new SequentialLR(a.opt, [mine, theirs], { milestones: [2] })).toThrow(
      /SequentialLR: schedulers\[1\] \(StepLR\) drives another optimizer/,
    );
    expect(
      () => new SequentialLR(a.opt, [mine, new ExponentialLR(a.opt, { gamma: 0.5 })], { milestones: [] }),
    ).toThrow(/SequentialLR: needs 1 milestone\(s\) for 2 schedules, got \[\]/);
    expect(() => new ChainedScheduler([mine, new ReduceLROnPlateau(a.opt)])).toThrow(
      /ChainedScheduler: schedulers\[1\] \(ReduceLROnPlateau\) steps on a metric and cannot be composed/,
    );
    expect(() => new ChainedScheduler([])).toThrow(/needs at least one schedule/);
    a.free();
    b.free();
  });

  it('loadStateDict checks the record, nested schedules included, and changes nothing when it fails', () => {
    const { opt, free } = sgd();
    const s = new SequentialLR(
      opt,
      [new LinearLR(opt, { totalIters: 2 }), new CosineAnnealingWarmRestarts(opt, { t0: 3 })],
      { milestones: [2] },
    );
    for (let i = 0; i < 4; i++) s.step();
    const good = s.stateDict();
    const lr = opt.paramGroups[0].lr;
    const nested = good.schedulers as Record<string, unknown>[];
    const bad: [unknown, RegExp][] = [
      [{ ...good, scheduler: 'StepLR' }, /the state dict is 'StepLR''s, not SequentialLR's/],
      [{ ...good, lastLr: [0.1, 0.2] }, /lastLr must hold 1 learning rates \(one per group\)/],
      [{ ...good, schedulers: [nested[0]] }, /schedulers must hold the states of 2 schedules/],
      [
        { ...good, schedulers: [nested[0], { ...nested[1], tI: 0 }] },
        /schedulers\[1\] \(CosineAnnealingWarmRestarts\): tI must be >= 1, got 0/,
      ],
    ];
    for (const [dict, message] of bad) expect(() => s.loadStateDict(dict as never)).toThrow(message);
    expect(opt.paramGroups[0].lr).toBe(lr);
    expect(s.stateDict()).toEqual(good);
    free();
  });

  it('a schedule built for fewer groups says so', () => {
    const v = owned([1], [1]);
    const w = owned([2], [1]);
    const opt = new SGD([['v', v]], { lr: 0.1 });
    const s = new StepLR(opt, { stepSize: 1 });
    opt.addParamGroup({ params: [['w', w]] });
    expect(() => s.step()).toThrow(
      /StepLR: the optimizer has 2 parameter groups, the schedule was built for 1/,
    );
    dispose([v, w]);
  });
});
