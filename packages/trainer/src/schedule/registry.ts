import type { Optimizer } from '../optim/optimizer';
import { Registry } from '../registry';
import { CosineAnnealingLR, type CosineAnnealingLROptions } from './cosine-annealing-lr';
import {
  CosineAnnealingWarmRestarts,
  type CosineAnnealingWarmRestartsOptions,
} from './cosine-annealing-warm-restarts';
import { ExponentialLR, type ExponentialLROptions } from './exponential-lr';
import { LinearLR, type LinearLROptions } from './linear-lr';
import { MultiStepLR, type MultiStepLROptions } from './multi-step-lr';
import { OneCycleLR, type OneCycleLROptions } from './one-cycle-lr';
import { ReduceLROnPlateau, type ReduceLROnPlateauOptions } from './reduce-lr-on-plateau';
import type { LrScheduler } from './scheduler';
import { StepLR, type StepLROptions } from './step-lr';

/** Builds a schedule on an optimizer from options (as the command line passes them). */
export type ScheduleFactory = (optimizer: Optimizer, options?: Record<string, unknown>) => LrScheduler;

/**
 * Learning-rate schedules by name, for the command line and configs. `create(name, optimizer,
 * options)` builds one; unknown names and options throw with the closest known one. (SequentialLR
 * and ChainedScheduler take built schedules: compose them in code.)
 *
 * @example
 * const registry = createScheduleRegistry();
 * const schedule = registry.create('cosine', opt, { tMax: 100 });
 */
export class ScheduleRegistry extends Registry<ScheduleFactory> {
  constructor() {
    super('schedule');
  }

  /** The schedule registered as `name`, built on `optimizer` with `options`. */
  create(name: string, optimizer: Optimizer, options: Record<string, unknown> = {}): LrScheduler {
    return this.get(name)(optimizer, options);
  }
}

/**
 * A new registry holding convkit's schedules: `step`, `multiStep`, `exponential`, `cosine`,
 * `cosineWarmRestarts`, `linear`, `oneCycle`, `reduceOnPlateau`.
 */
export function createScheduleRegistry(): ScheduleRegistry {
  const as = <O>(options: Record<string, unknown> | undefined) => (options ?? {}) as O;
  return new ScheduleRegistry()
    .register('step', (opt, o) => new StepLR(opt, as<StepLROptions>(o)))
    .register('multiStep', (opt, o) => new MultiStepLR(opt, as<MultiStepLROptions>(o)))
    .register('exponential', (opt, o) => new ExponentialLR(opt, as<ExponentialLROptions>(o)))
    .register('cosine', (opt, o) => new CosineAnnealingLR(opt, as<CosineAnnealingLROptions>(o)))
    .register(
      'cosineWarmRestarts',
      (opt, o) => new CosineAnnealingWarmRestarts(opt, as<CosineAnnealingWarmRestartsOptions>(o)),
    )
    .register('linear', (opt, o) => new LinearLR(opt, as<LinearLROptions>(o)))
    .register('oneCycle', (opt, o) => new OneCycleLR(opt, as<OneCycleLROptions>(o)))
    .register('reduceOnPlateau', (opt, o) => new ReduceLROnPlateau(opt, as<ReduceLROnPlateauOptions>(o)));
}
