import { checkNumber } from '@convkit/backend';
import type { Optimizer } from '../optim/optimizer';
import { checkKeys } from '../options';
import { LrScheduler, type ScheduleStateDict } from './scheduler';

/** Options of {@link SequentialLR}. */
export interface SequentialLROptions {
  /** The steps at which the next schedule takes over: one fewer than the schedules, increasing. */
  milestones: readonly number[];
}

/** Checks that `schedulers` can be composed on `optimizer`; throws naming the offender. */
export function checkComposable(who: string, optimizer: Optimizer, schedulers: readonly LrScheduler[]): void {
  if (!Array.isArray(schedulers) || schedulers.length === 0)
    throw new Error(`${who}: needs at least one schedule`);
  schedulers.forEach((s, i) => {
    if (!(s instanceof LrScheduler))
      throw new Error(`${who}: schedulers[${i}] is not a learning-rate schedule`);
    if (s.optimizer !== optimizer)
      throw new Error(`${who}: schedulers[${i}] (${s.name}) drives another optimizer`);
    if (s.needsMetric)
      throw new Error(`${who}: schedulers[${i}] (${s.name}) steps on a metric and cannot be composed`);
  });
}

/**
 * Runs schedules one after the other, PyTorch's `SequentialLR`: the first until `milestones[0]`, the
 * second from there (restarted at its step 0) until `milestones[1]`, and so on. The usual warm-up then
 * decay in one line:
 *
 * @example
 * const schedule = new SequentialLR(opt, [
 *   new LinearLR(opt, { startFactor: 0.01, totalIters: 500 }),
 *   new CosineAnnealingLR(opt, { tMax: 9500 }),
 * ], { milestones: [500] }); // per batch: 500 warm-up steps, then cosine over 9500
 *
 * Building it resets the groups to their `initialLr` and restarts the first schedule, as PyTorch's.
 * Its state dict holds the schedules' own (`schedulers`).
 */
export class SequentialLR extends LrScheduler {
  static readonly className = 'SequentialLR';
  readonly options: { milestones: number[] };
  /** The schedules, in order. */
  readonly schedulers: readonly LrScheduler[];

  constructor(optimizer: Optimizer, schedulers: readonly LrScheduler[], options: SequentialLROptions) {
    const who = SequentialLR.className;
    checkComposable(who, optimizer, schedulers);
    checkKeys(who, options ?? {}, ['milestones']);
    const milestones = options?.milestones;
    if (!Array.isArray(milestones) || milestones.length !== schedulers.length - 1) {
      throw new Error(
        `${who}: needs ${schedulers.length - 1} milestone(s) for ${schedulers.length} schedules, got ${JSON.stringify(milestones)}`,
      );
    }
    milestones.forEach((m, i) => {
      checkNumber(who, `milestones[${i}]`, m, { min: i === 0 ? 0 : milestones[i - 1] + 1, integer: true });
    });
    super(who, optimizer);
    this.schedulers = [...schedulers];
    this.interval = schedulers.some((s) => s.interval === 'step') ? 'step' : 'epoch';
    this.options = { milestones: [...milestones] };
    this.lastEpoch = 0;
    for (const g of optimizer.paramGroups) g.lr = g.initialLr as number;
    for (const s of this.schedulers) s.lastEpoch -= 1; // undo the first steps the schedules took
    this.schedulers[0].step();
    this.lastLr = [...this.schedulers[0].lastLr];
  }

  protected computeLr(): number[] {
    return this.groupLrs();
  }

  override step(): void {
    this.lastEpoch += 1;
    const { milestones } = this.options;
    let idx = 0;
    while (idx < milestones.length && milestones[idx] <= this.lastEpoch) idx++;
    const s = this.schedulers[idx];
    if (idx > 0 && milestones[idx - 1] === this.lastEpoch) s.restart();
    else s.step();
    this.lastLr = [...s.lastLr];
  }

  override restart(): void {
    throw new Error('SequentialLR: cannot be nested in another SequentialLR; list its schedules in one');
  }

  protected override extraState(): Record<string, unknown> {
    return { schedulers: this.schedulers.map((s) => s.stateDict()) };
  }

  protected override prepareLoad(dict: ScheduleStateDict, who: string): () => void {
    const commit = super.prepareLoad(dict, who);
    return composedLoad(this.schedulers, dict, who, commit);
  }
}

/** Checks and loads the nested schedules' states, then `commit` (the composite's own state) last. */
export function composedLoad(
  schedulers: readonly LrScheduler[],
  dict: ScheduleStateDict,
  who: string,
  commit: () => void,
): () => void {
  const nested = dict.schedulers;
  if (!Array.isArray(nested) || nested.length !== schedulers.length) {
    throw new Error(
      `${who}: schedulers must hold the states of ${schedulers.length} schedules, got ${JSON.stringify(nested)?.slice(0, 80)}`,
    );
  }
  const commits = schedulers.map((s, i) =>
    (s as unknown as { prepareLoad(d: ScheduleStateDict, w: string): () => void }).prepareLoad(
      nested[i] as ScheduleStateDict,
      `${who}: schedulers[${i}] (${s.name})`,
    ),
  );
  return () => {
    for (const c of commits) c();
    commit(); // the composite's last rates win
  };
}
