import { LrScheduler, type ScheduleStateDict } from './scheduler';
import { checkComposable, composedLoad } from './sequential-lr';

/**
 * Steps several schedules together, each scaling the rate the one before it set, PyTorch's
 * `ChainedScheduler`: e.g. a per-step warm-up multiplied into a decay.
 *
 * @example
 * const schedule = new ChainedScheduler([
 *   new LinearLR(opt, { startFactor: 0.1, totalIters: 5 }),
 *   new ExponentialLR(opt, { gamma: 0.9 }),
 * ]);
 */
export class ChainedScheduler extends LrScheduler {
  static readonly className = 'ChainedScheduler';
  /** None: the chain is its schedules. */
  readonly options: Record<string, never> = {};
  /** The schedules, stepped in order. */
  readonly schedulers: readonly LrScheduler[];

  constructor(schedulers: readonly LrScheduler[]) {
    const first = Array.isArray(schedulers) ? schedulers[0] : undefined;
    if (first === undefined) throw new Error('ChainedScheduler: needs at least one schedule');
    checkComposable(ChainedScheduler.className, first.optimizer, schedulers);
    super(ChainedScheduler.className, first.optimizer);
    this.schedulers = [...schedulers];
    this.interval = schedulers.some((s) => s.interval === 'step') ? 'step' : 'epoch';
    this.lastEpoch = 0;
    this.lastLr = this.groupLrs();
  }

  protected computeLr(): number[] {
    return this.groupLrs();
  }

  override step(): void {
    this.lastEpoch += 1;
    for (const s of this.schedulers) s.step();
    this.lastLr = this.groupLrs();
  }

  override restart(): void {
    throw new Error(
      'ChainedScheduler: cannot be part of SequentialLR; put the SequentialLR in the chain instead',
    );
  }

  protected override extraState(): Record<string, unknown> {
    return { schedulers: this.schedulers.map((s) => s.stateDict()) };
  }

  protected override prepareLoad(dict: ScheduleStateDict, who: string): () => void {
    const commit = super.prepareLoad(dict, who);
    return composedLoad(this.schedulers, dict, who, commit);
  }
}
