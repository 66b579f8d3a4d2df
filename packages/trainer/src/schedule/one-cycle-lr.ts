import { checkNumber } from '@convkit/backend';
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

interface Phase {
  endStep: number;
  startLr: 'initial' | 'max' | 'min';
  endLr: 'initial' | 'max' | 'min';
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
  readonly totalSteps: number;
  readonly annealStrategy: 'cos' | 'linear';
  readonly cycleMomentum: boolean;
  private readonly phases: Phase[];
  private readonly maxLrs: number[];
  private readonly minLrs: number[];
  private readonly maxMomenta: number[];
  private readonly baseMomenta: number[];
  private readonly useBeta1: boolean;

  constructor(optimizer: Optimizer, options: OneCycleLROptions) {
    const who = 'OneCycleLR';
    checkKeys(who, options ?? {}, KEYS);
    const o = options;
    let totalSteps: number;
    if (o.totalSteps !== undefined)
      totalSteps = checkNumber(who, 'totalSteps', o.totalSteps, { min: 1, integer: true });
    else if (o.epochs !== undefined || o.stepsPerEpoch !== undefined) {
      totalSteps =
        checkNumber(who, 'epochs', o.epochs, { min: 1, integer: true }) *
        checkNumber(who, 'stepsPerEpoch', o.stepsPerEpoch, { min: 1, integer: true });
    } else throw new Error(`${who}: give totalSteps, or epochs and stepsPerEpoch`);
    const pctStart = checkNumber(who, 'pctStart', o.pctStart ?? 0.3, { min: 0, max: 1 });
    const annealStrategy = o.annealStrategy ?? 'cos';
    if (annealStrategy !== 'cos' && annealStrategy !== 'linear') {
      throw new Error(`${who}: annealStrategy must be 'cos' or 'linear', got ${show(annealStrategy)}`);
    }
    const cycleMomentum = checkBoolean(who, 'cycleMomentum', o.cycleMomentum ?? true);
    const divFactor = checkNumber(who, 'divFactor', o.divFactor ?? 25, { above: 0 });
    const finalDivFactor = checkNumber(who, 'finalDivFactor', o.finalDivFactor ?? 1e4, { above: 0 });
    const threePhase = checkBoolean(who, 'threePhase', o.threePhase ?? false);
    const groups = optimizer?.paramGroups?.length ?? 0;
    const maxLrs = perGroup(who, 'maxLr', o.maxLr, groups).map((v, i) =>
      checkNumber(who, `maxLr[${i}]`, v, { above: 0 }),
    );
    const momenta = (key: 'maxMomentum' | 'baseMomentum', fallback: number) =>
      perGroup(who, key, o[key] ?? fallback, groups).map((v, i) =>
        checkNumber(who, `${key}[${i}]`, v, { min: 0, max: 1 }),
      );
    const maxMomenta = momenta('maxMomentum', 0.95);
    const baseMomenta = momenta('baseMomentum', 0.85);
    const names = optimizer?.optionNames ?? [];
    const useBeta1 = names.includes('betas');
    if (cycleMomentum && !useBeta1 && !names.includes('momentum')) {
      throw new Error(
        `${who}: cycleMomentum needs an optimizer with momentum or betas (${optimizer?.name} has neither); pass cycleMomentum: false`,
      );
    }
    super(who, optimizer);
    const end = pctStart * totalSteps;
    this.phases = threePhase
      ? [
          { endStep: end - 1, startLr: 'initial', endLr: 'max', startMomentum: 'max', endMomentum: 'base' },
          {
            endStep: 2 * end - 2,
            startLr: 'max',
            endLr: 'initial',
            startMomentum: 'base',
            endMomentum: 'max',
          },
          {
            endStep: totalSteps - 1,
            startLr: 'initial',
            endLr: 'min',
            startMomentum: 'max',
            endMomentum: 'max',
          },
        ]
      : [
          { endStep: end - 1, startLr: 'initial', endLr: 'max', startMomentum: 'max', endMomentum: 'base' },
          {
            endStep: totalSteps - 1,
            startLr: 'max',
            endLr: 'min',
            startMomentum: 'base',
            endMomentum: 'max',
          },
        ];
    this.totalSteps = totalSteps;
    this.annealStrategy = annealStrategy;
    this.cycleMomentum = cycleMomentum;
    this.useBeta1 = useBeta1;
    this.maxLrs = maxLrs;
    this.maxMomenta = maxMomenta;
    this.baseMomenta = baseMomenta;
    optimizer.paramGroups.forEach((g, i) => {
      g.initialLr = maxLrs[i] / divFactor;
    });
    this.baseLrs = optimizer.paramGroups.map((g) => g.initialLr as number);
    this.minLrs = this.baseLrs.map((lr) => lr / finalDivFactor);
    if (cycleMomentum) {
      optimizer.paramGroups.forEach((_, i) => {
        this.setMomentum(i, maxMomenta[i]);
      });
    }
    this.initialStep();
  }

  private anneal(start: number, end: number, pct: number): number {
    if (this.annealStrategy === 'linear') return (end - start) * pct + start;
    return end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);
  }

  private setMomentum(i: number, m: number): void {
    const g = this.optimizer.paramGroups[i] as unknown as { momentum?: number; betas?: [number, number] };
    if (this.useBeta1) g.betas = [m, (g.betas as [number, number])[1]];
    else g.momentum = m;
  }

  protected computeLr(): number[] {
    const t = this.lastEpoch;
    if (t > this.totalSteps) {
      throw new Error(
        `OneCycleLR: stepped past the end of the cycle (step ${t}, totalSteps ${this.totalSteps}); build it with the run's number of steps`,
      );
    }
    return this.optimizer.paramGroups.map((g, i) => {
      const lrOf = { initial: g.initialLr as number, max: this.maxLrs[i], min: this.minLrs[i] };
      const momentumOf = { max: this.maxMomenta[i], base: this.baseMomenta[i] };
      let start = 0;
      for (const [k, phase] of this.phases.entries()) {
        if (t <= phase.endStep || k === this.phases.length - 1) {
          const pct = (t - start) / (phase.endStep - start);
          if (this.cycleMomentum) {
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
