/** Where the bar is drawn: a writable with an optional `isTTY` flag (process.stderr fits). */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

/**
 * A one-line progress bar: redrawn in place with `\r` on a terminal; on a pipe or a log file, one
 * line per `every` fraction of the work (default 10%) so the output stays readable.
 *
 * @example
 * const bar = new Progress(process.stderr, 938, 'epoch 1/2');
 * bar.update(100, '3.1s loss 0.31');
 * bar.finish('loss 0.12');
 */
export class Progress {
  private lastBucket = 0;

  constructor(
    private readonly stream: ProgressStream,
    private readonly total: number,
    private readonly label: string,
    private readonly every = 0.1,
  ) {}

  /** Reports `done` of `total` units, with a short status text. */
  update(done: number, status = ''): void {
    const fraction = this.total > 0 ? Math.min(1, done / this.total) : 1;
    if (this.stream.isTTY) {
      this.stream.write(`\r${this.line(done, fraction, status)}\x1b[K`);
    } else {
      // 1e-9 absorbs float error: 30/100 must land in the 30% bucket.
      const bucket = Math.floor(fraction / this.every + 1e-9);
      if (bucket > this.lastBucket && fraction < 1) {
        this.stream.write(`${this.line(done, fraction, status)}\n`);
        this.lastBucket = bucket;
      }
    }
  }

  /** Draws the final state and ends the line. */
  finish(status = ''): void {
    const line = this.line(this.total, 1, status);
    this.stream.write(this.stream.isTTY ? `\r${line}\x1b[K\n` : `${line}\n`);
  }

  private line(done: number, fraction: number, status: string): string {
    const width = 24;
    const filled = Math.round(fraction * width);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
    const pct = `${Math.floor(fraction * 100)}`.padStart(3);
    return `${this.label} ${bar} ${pct}% ${done}/${this.total} ${status}`.trimEnd();
  }
}
