import type { Optimizer } from '../optim/optimizer';
import { Registry } from '../registry';
import { CosineAnnealingLR } from './cosine-annealing-lr';
import { CosineAnnealingWarmRestarts } from './cosine-annealing-warm-restarts';
import { ExponentialLR } from './exponential-lr';
import { LinearLR } from './linear-lr';
import { MultiStepLR } from './multi-step-lr';
import { OneCycleLR } from './one-cycle-lr';
import { ReduceLROnPlateau } from './reduce-lr-on-plateau';
import type { LrScheduler } from './scheduler';
import { StepLR } from './step-lr';

/** A schedule class: built with `new Cls(optimizer, options)`, named by its static `className`. */
export type ScheduleClass = (new (
  optimizer: Optimizer,
  options: never,
) => LrScheduler) & {
  readonly className?: string;
};

/** convkit's schedules built from an optimizer and options, each under its static className. */
const SCHEDULES: ScheduleClass[] = [
  StepLR,
  MultiStepLR,
  ExponentialLR,
  CosineAnnealingLR,
  CosineAnnealingWarmRestarts,
  LinearLR,
  OneCycleLR,
  ReduceLROnPlateau,
];

/**
 * Learning-rate schedule classes by name, for the command line and configs. `create(name, optimizer,
 * options)` builds one; unknown names and options throw with the closest known one. (SequentialLR and
 * ChainedScheduler take built schedules: compose them in code.)
 *
 * @example
 * const registry = createScheduleRegistry();
 * const schedule = registry.create('CosineAnnealingLR', opt, { tMax: 100 });
 */
export class ScheduleRegistry extends Registry<ScheduleClass> {
  constructor() {
    super('schedule');
  }

  /** The schedule registered as `name`, built on `optimizer` with `options`. */
  create(name: string, optimizer: Optimizer, options: Record<string, unknown> = {}): LrScheduler {
    const Cls = this.get(name);
    return new Cls(optimizer, options as never);
  }
}

/** Registers convkit's schedules in `registry` (nothing registers on import). Returns the registry. */
export function registerSchedules(registry: ScheduleRegistry): ScheduleRegistry {
  for (const cls of SCHEDULES) registry.register(cls);
  return registry;
}

/** A new registry holding convkit's schedules: StepLR, MultiStepLR, …, ReduceLROnPlateau. */
export function createScheduleRegistry(): ScheduleRegistry {
  return registerSchedules(new ScheduleRegistry());
}
