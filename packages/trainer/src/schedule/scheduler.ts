import { BRAND, checkNumber, hasBrand } from '@convkit/backend';
import type { Optimizer } from '../optim/optimizer';
import { checkStateDictHeader, show } from '../options';

/**
 * A schedule's position as data (PyTorch's `scheduler.state_dict()`, JSON only): how many steps it has
 * taken, the base and last learning rates, and the counters of the schedules that keep more (warm
 * restarts, plateau). Options are not state: a schedule rebuilt with other options (a longer
 * `tMax`, say) continues from the saved position under them.
 */
export interface ScheduleStateDict {
  /** Format version of this record. */
  version: 1;
  /** Which schedule wrote it: 'StepLR', 'CosineAnnealingLR', … */
  scheduler: string;
  lastEpoch: number;
  baseLrs: number[];
  lastLr: number[];
  /** The schedule's own counters (and, for SequentialLR / ChainedScheduler, `schedulers`: theirs). */
  [key: string]: unknown;
}

/**
 * The base of convkit's learning-rate schedules, PyTorch's `torch.optim.lr_scheduler` semantics:
 *
 * - Building a schedule sets each group's `initialLr` (if no schedule did before) and takes it as the
 *   base learning rate, then takes its first step: the learning rates of step 0 are in place before
 *   the first optimizer step.
 * - `step()` advances it by one and writes the new learning rate into each parameter group; call it
 *   after `optimizer.step()`. What one step is — a batch or an epoch — is up to the caller: per
 *   batch, count `stepSize`, `tMax`, `totalSteps`, … in batches; per epoch, in epochs. (Usually:
 *   OneCycleLR, LinearLR warm-up and CosineAnnealingWarmRestarts per batch; StepLR and MultiStepLR
 *   per epoch; ReduceLROnPlateau per validation, with the metric.)
 * - Most schedules are chainable: they scale the group's current rate, so several can act on one
 *   optimizer (`ChainedScheduler`), or follow one another (`SequentialLR`).
 * - `stateDict()` / `loadStateDict()` save and restore the position (JSON); loading also writes the
 *   saved learning rates into the groups, so loading the optimizer before or after does not matter.
 *
 * `lastEpoch` is PyTorch's `last_epoch`: the number of `step()` calls since the schedule was built
 * (0 right after), whether they are epochs or batches.
 */
export abstract class LrScheduler {
  /** `instanceof LrScheduler` holds across the ESM and CJS builds (see `hasBrand`). */
  static readonly [BRAND]: string = '@convkit/trainer.LrScheduler';
  static [Symbol.hasInstance](x: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: the class on the right of instanceof, maybe a subclass
    return hasBrand(x, this);
  }
  /** Version of this interface, for training loops and checkpoint writers written against it. */
  readonly specificationVersion = 1 as const;
  /** The schedule's name in messages and state dicts: its class's static `className` ('StepLR', …). */
  readonly name: string;
  /** The resolved options (defaults filled in, checked; JSON-safe): rebuild with `new X(optimizer, options)`. */
  abstract readonly options: object;
  readonly optimizer: Optimizer;
  /** Whether `step` needs the monitored metric (ReduceLROnPlateau). */
  readonly needsMetric: boolean = false;
  /** Each group's base learning rate (its `initialLr`). */
  baseLrs: number[];
  /** Steps taken since construction (PyTorch's `last_epoch`). */
  lastEpoch: number;
  /** The learning rates this schedule last wrote, one per group. */
  lastLr: number[];
  /**
   * When a training loop (`fit`) steps this schedule: after every batch (`'step'`) or after every epoch
   * (`'epoch'`), so that its lengths (`stepSize`, `tMax`, …) count batches or epochs. Default: the
   * class's static `defaultInterval` — `'step'` for OneCycleLR, LinearLR and
   * CosineAnnealingWarmRestarts, `'epoch'` for the others; SequentialLR and ChainedScheduler take
   * `'step'` when one of their schedules does. Set it to change it (`schedule.interval = 'step'`).
   * Not part of the state dict.
   */
  interval: 'step' | 'epoch';

  protected constructor(name: string, optimizer: Optimizer) {
    if (optimizer === null || typeof optimizer !== 'object' || !Array.isArray(optimizer.paramGroups)) {
      throw new Error(`${name}: expected an optimizer (with paramGroups), got ${show(optimizer)}`);
    }
    this.name = name;
    this.optimizer = optimizer;
    this.interval = (new.target as { defaultInterval?: 'step' | 'epoch' }).defaultInterval ?? 'epoch';
    for (const g of optimizer.paramGroups) if (g.initialLr === undefined) g.initialLr = g.lr;
    this.baseLrs = optimizer.paramGroups.map((g) => g.initialLr as number);
    this.lastEpoch = -1;
    this.lastLr = optimizer.paramGroups.map((g) => g.lr);
  }

  /** The learning rates of step `lastEpoch` (already advanced), from the groups' current rates. */
  protected abstract computeLr(): number[];

  /** The learning rates of step `lastEpoch` from the base rates alone, when the schedule has a closed form. */
  protected closedFormLr(): number[] | undefined {
    return undefined;
  }

  /** The first step, at the end of a subclass's constructor (PyTorch's `_initial_step`). */
  protected initialStep(): void {
    this.step();
  }

  /** Advances the schedule by one step and writes the new learning rates into the optimizer. */
  step(metric?: number): void {
    void metric;
    this.lastEpoch += 1;
    this.apply(this.computeLr());
  }

  /**
   * Jumps back to step 0 and writes its learning rates (PyTorch's `step(0)`, which SequentialLR uses
   * when it hands over to this schedule at a milestone).
   */
  restart(): void {
    this.lastEpoch = 0;
    this.apply(this.closedFormLr() ?? this.computeLr());
  }

  /** The groups' current learning rates. */
  protected groupLrs(): number[] {
    this.checkGroups();
    return this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** Writes one learning rate per group. */
  protected apply(lrs: number[]): void {
    this.checkGroups();
    this.optimizer.paramGroups.forEach((g, i) => {
      g.lr = lrs[i];
    });
    this.lastLr = [...lrs];
  }

  private checkGroups(): void {
    if (this.optimizer.paramGroups.length !== this.baseLrs.length) {
      throw new Error(
        `${this.name}: the optimizer has ${this.optimizer.paramGroups.length} parameter groups, the schedule was built for ${this.baseLrs.length}; build the schedule after adding groups`,
      );
    }
  }

  /** The schedule's own counters, for the state dict (none by default). */
  protected extraState(): Record<string, unknown> {
    return {};
  }

  /** The schedule's position (JSON: numbers, arrays, objects and null only). */
  stateDict(): ScheduleStateDict {
    return {
      version: 1,
      scheduler: this.name,
      lastEpoch: this.lastEpoch,
      baseLrs: [...this.baseLrs],
      lastLr: [...this.lastLr],
      ...this.extraState(),
    };
  }

  /**
   * Restores a position from `stateDict()`; checks the whole record first (nested schedules
   * included) and changes nothing when it is wrong. Writes the saved last learning rates into the
   * groups, and the base rates as their `initialLr`.
   */
  loadStateDict(dict: ScheduleStateDict): this {
    this.prepareLoad(dict, `${this.name}.loadStateDict`)();
    return this;
  }

  /**
   * Checks `dict` and returns the function that applies it: subclasses with counters of their own
   * check them too and extend the returned function (nothing may be written before it runs).
   */
  protected prepareLoad(dict: ScheduleStateDict, who: string): () => void {
    checkStateDictHeader(who, dict, 'scheduler', this.name);
    checkNumber(who, 'lastEpoch', dict.lastEpoch, { min: -1, integer: true });
    const groups = this.optimizer.paramGroups.length;
    for (const key of ['baseLrs', 'lastLr'] as const) {
      const v = dict[key];
      if (!Array.isArray(v) || v.length !== groups) {
        throw new Error(`${who}: ${key} must hold ${groups} learning rates (one per group), got ${show(v)}`);
      }
      v.forEach((lr, i) => {
        checkNumber(who, `${key}[${i}]`, lr, { min: 0 });
      });
    }
    return () => {
      this.lastEpoch = dict.lastEpoch;
      this.baseLrs = [...dict.baseLrs];
      this.optimizer.paramGroups.forEach((g, i) => {
        g.initialLr = dict.baseLrs[i];
      });
      this.apply([...dict.lastLr]);
    };
  }
}

/** `value` as one number per group: a number for all, or an array of exactly one per group. */
export function perGroup(
  who: string,
  key: string,
  value: number | readonly number[],
  groups: number,
): number[] {
  if (Array.isArray(value)) {
    if (value.length !== groups)
      throw new Error(`${who}: ${key} needs ${groups} values (one per group), got ${value.length}`);
    return [...value];
  }
  return Array.from({ length: groups }, () => value as number);
}
