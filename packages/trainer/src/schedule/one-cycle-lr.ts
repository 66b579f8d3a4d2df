import { checkNumber, checkOptions } from '@convkit/backend';
import type { Optimizer } from '../optim/optimizer';
import { checkBoolean, checkKeys, show } from '../options';
import { LrScheduler, perGroup } from './scheduler';

/** Options of {@link OneCycleLR}. */
export interface OneCycleLROptions {
  /** The peak learning rate, for all groups or one per group. Required. */
  maxLr: number | readonly number[];
  /** Steps in the cycle; or give `epochs` and `stepsPerEpoch`. */
  totalSteps?: number;
  epochs?: number;
  stepsPerEpoch?: number;
  /** Share of the cycle spent increasing the rate, in [0, 1]. Default 0.3. */
  pctStart?: number;
  /** 'cos' or 'linear' annealing. Default 'cos'. */
  annealStrategy?: 'cos' | 'linear';
  /** Cycle momentum (SGD's and RMSprop's `momentum`, Adam's β1) inversely to the rate. Default true. */
  cycleMomentum?: boolean;
  /** The lowest momentum (at the peak rate). Default 0.85. */
  baseMomentum?: number | readonly number[];
  /** The highest momentum (at the ends). Default 0.95. */
  maxMomentum?: number | readonly number[];
  /** initial rate = maxLr / divFactor. Default 25. */
  divFactor?: number;
  /** final rate = initial rate / finalDivFactor. Default 1e4. */
  finalDivFactor?: number;
  /** fastai's three phases: up, back down to the initial rate, then to the final rate. Default false. */
  threePhase?: boolean;
}

/** {@link OneCycleLROptions} resolved: the cycle's length, per-group rates and momenta. */
export interface OneCycleLRConfig {
  maxLr: number[];
  totalSteps: number;
  pctStart: number;
  annealStrategy: 'cos' | 'linear';
  cycleMomentum: boolean;
  baseMomentum: number[];
  maxMomentum: number[];
  divFactor: number;
  finalDivFactor: number;
  threePhase: boolean;
}

type Level = 'initial' | 'max' | 'min';

/** A phase of the cycle: from `start` to `end` (rates and momenta) until step `endStep`. */
interface Phase {
  endStep: number;
  startLr: Level;
  endLr: Level;
  startMomentum: 'max' | 'base';
  endMomentum: 'max' | 'base';
}

const KEYS = [
  'maxLr',
  'totalSteps',
  'epochs',
  'stepsPerEpoch',
  'pctStart',
  'annealStrategy',
  'cycleMomentum',
  'baseMomentum',
  'maxMomentum',
  'divFactor',
  'finalDivFactor',
  'threePhase',
];

/** PyTorch's phases: up, then down to the final rate; or up, back to the initial rate, then down. */
function phasesOf({ totalSteps, pctStart, threePhase }: OneCycleLRConfig): Phase[] {
  const end = pctStart * totalSteps;
  const up: Phase = {
    endStep: end - 1,
    startLr: 'initial',
    endLr: 'max',
    startMomentum: 'max',
    endMomentum: 'base',
  };
  if (!threePhase) {
    return [
      up,
      { endStep: totalSteps - 1, startLr: 'max', endLr: 'min', startMomentum: 'base', endMomentum: 'max' },
    ];
  }
  return [
    up,
    { endStep: 2 * end - 2, startLr: 'max', endLr: 'initial', startMomentum: 'base', endMomentum: 'max' },
    { endStep: totalSteps - 1, startLr: 'initial', endLr: 'min', startMomentum: 'max', endMomentum: 'max' },
  ];
}

/**
 * The 1cycle policy (Smith & Topin, "Super-Convergence"), PyTorch's `OneCycleLR`: the rate rises
 * from maxLr/divFactor to maxLr over the first `pctStart` of `totalSteps`, then falls to
 * maxLr/divFactor/finalDivFactor (cosine or linear annealing), while momentum moves the opposite
 * way between maxMomentum and baseMomentum. Stepped once per batch, `totalSteps` times at most
 * (one more step throws, as in PyTorch).
 *
 * Building it sets each group's `initialLr` to maxLr/divFactor and, with cycleMomentum, its momentum
 * (or Adam's β1) to maxMomentum.
 *
 * @example
 * const schedule = new OneCycleLR(opt, { maxLr: 0.1, epochs: 10, stepsPerEpoch: batches.length });
 * // after every optimizer step: schedule.step();
 */
export class OneCycleLR extends LrScheduler {
  static readonly className = 'OneCycleLR';
  /** Stepped per batch by `fit` (its lengths count batches); set `interval` to change it. */
  static readonly defaultInterval = 'step' as const;
  readonly options: OneCycleLRConfig;

  constructor(optimizer: Optimizer, options: OneCycleLROptions) {
    const who = OneCycleLR.className;
    const o = checkOptions(who, options, ['maxLr', 'totalSteps (or epochs and stepsPerEpoch)']);
    checkKeys(who, o, KEYS);
    let totalSteps: number;
    if (o.totalSteps !== undefined) {
      totalSteps = checkNumber(who, 'totalSteps', o.totalSteps, { min: 1, integer: true });
    } else if (o.epochs !== undefined || o.stepsPerEpoch !== undefined) {
      totalSteps =
        checkNumber(who, 'epochs', o.epochs, { min: 1, integer: true }) *
        checkNumber(who, 'stepsPerEpoch', o.stepsPerEpoch, { min: 1, integer: true });
    } else throw new Error(`${who}: give totalSteps, or epochs and stepsPerEpoch`);
    const annealStrategy = o.annealStrategy ?? 'cos';
    if (annealStrategy !== 'cos' && annealStrategy !== 'linear') {
      throw new Error(`${who}: annealStrategy must be 'cos' or 'linear', got ${show(annealStrategy)}`);
    }
    const groups = optimizer?.paramGroups?.length ?? 0;
    const each = (
      key: 'maxLr' | 'maxMomentum' | 'baseMomentum',
      value: number | readonly number[] | undefined,
    ) =>
      perGroup(who, key, value as number | readonly number[], groups).map((v, i) =>
        checkNumber(who, `${key}[${i}]`, v, key === 'maxLr' ? { above: 0 } : { min: 0, max: 1 }),
      );
    const config: OneCycleLRConfig = {
      maxLr: each('maxLr', o.maxLr),
      totalSteps,
      pctStart: checkNumber(who, 'pctStart', o.pctStart ?? 0.3, { min: 0, max: 1 }),
      annealStrategy,
      cycleMomentum: checkBoolean(who, 'cycleMomentum', o.cycleMomentum ?? true),
      baseMomentum: each('baseMomentum', o.baseMomentum ?? 0.85),
      maxMomentum: each('maxMomentum', o.maxMomentum ?? 0.95),
      divFactor: checkNumber(who, 'divFactor', o.divFactor ?? 25, { above: 0 }),
      finalDivFactor: checkNumber(who, 'finalDivFactor', o.finalDivFactor ?? 1e4, { above: 0 }),
      threePhase: checkBoolean(who, 'threePhase', o.threePhase ?? false),
    };
    let phaseStart = 0;
    for (const phase of phasesOf(config)) {
      // A phase that ends where it starts divides by zero (NaN rates; PyTorch raises ZeroDivisionError).
      if (phase.endStep === phaseStart) {
        throw new Error(
          `${who}: pctStart ${config.pctStart} of totalSteps ${totalSteps} leaves a phase of the cycle without steps (it would start and end at step ${phaseStart}; PyTorch divides by zero here): give more steps or another pctStart`,
        );
      }
      phaseStart = phase.endStep;
    }
    const names = optimizer?.optionNames ?? [];
    if (config.cycleMomentum && !names.includes('betas') && !names.includes('momentum')) {
      throw new Error(
        `${who}: cycleMomentum needs an optimizer with momentum or betas (${optimizer?.name} has neither); pass cycleMomentum: false`,
      );
    }
    super(who, optimizer);
    this.options = config;
    optimizer.paramGroups.forEach((g, i) => {
      g.initialLr = config.maxLr[i] / config.divFactor;
      if (config.cycleMomentum) this.setMomentum(i, config.maxMomentum[i]);
    });
    this.baseLrs = optimizer.paramGroups.map((g) => g.initialLr as number);
    this.initialStep();
  }

  private anneal(start: number, end: number, pct: number): number {
    if (this.options.annealStrategy === 'linear') return (end - start) * pct + start;
    return end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);
  }

  /** Sets group i's momentum: Adam's β1 where the optimizer has betas, else `momentum`. */
  private setMomentum(i: number, m: number): void {
    const g = this.optimizer.paramGroups[i] as unknown as { momentum?: number; betas?: [number, number] };
    if (this.optimizer.optionNames.includes('betas')) g.betas = [m, (g.betas as [number, number])[1]];
    else g.momentum = m;
  }

  protected computeLr(): number[] {
    const t = this.lastEpoch;
    const { totalSteps, maxLr, divFactor, finalDivFactor, maxMomentum, baseMomentum, cycleMomentum } =
      this.options;
    if (t > totalSteps) {
      throw new Error(
        `OneCycleLR: stepped past the end of the cycle (step ${t}, totalSteps ${totalSteps}); build it with the run's number of steps`,
      );
    }
    const phases = phasesOf(this.options);
    return this.optimizer.paramGroups.map((g, i) => {
      const initial = g.initialLr as number; // PyTorch reads the group's initial_lr
      const lrOf = { initial, max: maxLr[i], min: maxLr[i] / divFactor / finalDivFactor };
      const momentumOf = { max: maxMomentum[i], base: baseMomentum[i] };
      let start = 0;
      for (const [k, phase] of phases.entries()) {
        if (t <= phase.endStep || k === phases.length - 1) {
          const pct = (t - start) / (phase.endStep - start);
          if (cycleMomentum) {
            this.setMomentum(
              i,
              this.anneal(momentumOf[phase.startMomentum], momentumOf[phase.endMomentum], pct),
            );
          }
          return this.anneal(lrOf[phase.startLr], lrOf[phase.endLr], pct);
        }
        start = phase.endStep;
      }
      throw new Error('OneCycleLR: no phase'); // unreachable: the last phase always matches
    });
  }
}
