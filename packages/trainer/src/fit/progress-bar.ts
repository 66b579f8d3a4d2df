import type { BatchEnd, Callback, FitState } from './callbacks';
import type { EpochRecord } from './history';
import type { Scores } from './metrics';

/** Where the bar is drawn: a writable with an optional `isTTY` flag (`process.stderr` fits). */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** Options of {@link ProgressBar}. */
export interface ProgressBarOptions {
  /** Default `process.stderr` (none outside Node: the bar then prints nothing). */
  stream?: ProgressStream;
  /** Draw a bar redrawn in place (a terminal) or print lines (a log). Default: the stream's `isTTY`. */
  tty?: boolean;
  /** In line mode, one line per this fraction of an epoch. Default 0.1 (every 10 %). */
  every?: number;
}

/** The few members of cli-progress's `SingleBar` used here. */
interface Bar {
  start(total: number, value: number, payload: object): void;
  update(value: number, payload: object): void;
  stop(): void;
}

const fmt = (s: Scores | undefined) =>
  s
    ? Object.entries(s)
        .map(([k, v]) => `${k} ${v === undefined ? '?' : v.toFixed(4)}`)
        .join(' ')
    : '';

/**
 * `fit`'s progress: on a terminal, a bar per epoch redrawn in place (cli-progress) with the running
 * loss and metrics; in a log (CI, a pipe: no TTY), one line per 10 % of an epoch, so the log stays
 * readable; after each epoch, one summary line with the validation scores. `fit` adds one unless
 * `quiet`; add your own (with `quiet: true`) to change where or how often it writes.
 *
 * @example
 * await fit(model, train, { quiet: true, callbacks: [new ProgressBar({ stream: process.stdout, every: 0.25 })] });
 */
export class ProgressBar implements Callback {
  readonly name = 'ProgressBar';
  private readonly stream: ProgressStream | undefined;
  private readonly tty: boolean;
  private readonly every: number;
  private bar: Bar | null = null;
  private makeBar: ((stream: ProgressStream) => Bar) | null = null;
  private lastBucket = 0;
  private epochStarted = 0;

  constructor(options: ProgressBarOptions = {}) {
    this.stream =
      options.stream ??
      (typeof process !== 'undefined' && process.stderr ? (process.stderr as ProgressStream) : undefined);
    this.tty = options.tty ?? Boolean(this.stream?.isTTY);
    this.every = options.every ?? 0.1;
    if (!(this.every > 0 && this.every <= 1))
      throw new Error(`ProgressBar: every must be in (0, 1], got ${this.every}`);
  }

  async onFitStart(): Promise<void> {
    if (!this.stream || !this.tty || this.makeBar) return;
    try {
      // A computed specifier: browser bundles never pull cli-progress (Node's readline) in.
      const spec = 'cli-progress';
      const mod = (await import(/* @vite-ignore */ /* webpackIgnore: true */ spec)) as {
        default?: { SingleBar: new (o: object) => Bar };
        SingleBar?: new (o: object) => Bar;
      };
      const SingleBar = mod.SingleBar ?? mod.default?.SingleBar;
      if (SingleBar) {
        this.makeBar = (stream) =>
          new SingleBar({
            stream,
            format: '{label} [{bar}] {value}/{total} | {scores} | {seconds}s',
            barsize: 30,
            hideCursor: false,
            clearOnComplete: true,
          });
      }
    } catch {
      // Without cli-progress (a bundle that left it out), lines are printed instead.
    }
  }

  onEpochStart(fit: FitState): void {
    this.epochStarted = performance.now();
    this.lastBucket = Math.floor(fit.batch / fit.stepsPerEpoch / this.every);
    if (this.stream && this.makeBar) {
      this.bar = this.makeBar(this.stream);
      this.bar.start(fit.stepsPerEpoch, fit.batch, this.payload(fit));
    }
  }

  onBatchEnd(fit: FitState, batch: BatchEnd): void {
    if (!this.stream) return;
    if (this.epochStarted === 0) this.onEpochStart(fit); // resumed in the middle of an epoch
    if (this.bar) {
      this.bar.update(batch.batch, this.payload(fit));
      return;
    }
    const bucket = Math.floor(batch.batch / fit.stepsPerEpoch / this.every);
    if (bucket > this.lastBucket && batch.batch < fit.stepsPerEpoch) {
      this.lastBucket = bucket;
      const pct = Math.round((100 * batch.batch) / fit.stepsPerEpoch);
      const p = this.payload(fit);
      this.stream.write(
        `${p.label} ${String(pct).padStart(3)}% ${batch.batch}/${fit.stepsPerEpoch} | ${p.scores} | ${p.seconds}s\n`,
      );
    }
  }

  onEpochEnd(fit: FitState, record: EpochRecord): void {
    this.stopBar();
    this.epochStarted = 0;
    if (!this.stream) return;
    const val = record.val ? ` | val ${fmt(record.val)}` : '';
    const skipped = record.skipped ? ` | ${record.skipped} skipped` : '';
    const lr = record.lr.length ? ` | lr ${record.lr[0].toPrecision(3)}` : '';
    this.stream.write(
      `epoch ${record.epoch}/${fit.epochs}: ${fmt(record.train)}${val}${lr}${skipped} | ${record.seconds.total.toFixed(1)}s\n`,
    );
  }

  onFitEnd(): void {
    this.stopBar();
  }

  onError(): void {
    this.stopBar();
  }

  private stopBar(): void {
    this.bar?.stop();
    this.bar = null;
  }

  private payload(fit: FitState) {
    return {
      label: `epoch ${fit.epoch}/${fit.epochs}`,
      scores: fmt(fit.running),
      seconds: ((performance.now() - this.epochStarted) / 1000).toFixed(1),
    };
  }
}
