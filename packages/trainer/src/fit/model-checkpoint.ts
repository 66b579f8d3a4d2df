import { writeFileAtomic } from '../checkpoint/atomic-write';
import type { BatchEnd, Callback, FitState } from './callbacks';
import { checkMonitor, type EpochRecord, monitored, resolveMode } from './history';

/** Options of {@link ModelCheckpoint}. */
export interface ModelCheckpointOptions {
  /** Folder of `last.safetensors` and `best.safetensors` (made if missing). Required unless `write` is given. */
  dir?: string;
  /** Write `last` after every epoch (`'epoch'`, the default) or every this many steps. */
  every?: 'epoch' | number;
  /** Keep `last`, the latest state to resume from. Default true. */
  saveLast?: boolean;
  /** Keep `best`, the state of the best epoch by `monitor`. Default true. */
  saveBest?: boolean;
  /** The quantity `best` follows. Default: fit's `monitor`. */
  monitor?: string;
  /** 'min', 'max', or 'auto' (losses 'min', accuracies 'max'). */
  mode?: 'min' | 'max' | 'auto';
  /**
   * Where the bytes go, instead of files (a browser's IndexedDB, a queue): called with 'last' or
   * 'best' and the checkpoint's bytes. Default: an atomic write to `<dir>/<name>.safetensors`.
   */
  write?: (name: 'last' | 'best', bytes: Uint8Array) => Promise<void>;
}

/**
 * Keeps checkpoints of a `fit` run (Keras's `ModelCheckpoint`, Lightning's `ModelCheckpoint`):
 * `last.safetensors`, the whole training state after every epoch (or every `every` steps), to
 * resume from (`fit(…, { resume: 'run/last.safetensors' })`), and `best.safetensors`, the state of
 * the best epoch by `monitor` (`restoreCheckpoint(await loadCheckpoint('run/best.safetensors'),
 * { model })` for its weights). Each write is atomic (temp file, fsync, rename): a crash leaves the
 * previous file whole. Its best value is saved in checkpoints too.
 *
 * Options: `dir`, `every` 'epoch', `saveLast` true, `saveBest` true, `monitor` (fit's), `mode` 'auto', `write`.
 *
 * @example
 * await fit(model, train, { validation, epochs: 20, callbacks: [new ModelCheckpoint({ dir: 'run' })] });
 */
export class ModelCheckpoint implements Callback {
  readonly name = 'ModelCheckpoint';
  readonly options: {
    dir: string | null;
    every: 'epoch' | number;
    saveLast: boolean;
    saveBest: boolean;
    monitor: string | null;
    mode: 'min' | 'max' | 'auto';
  };
  /** The best value so far (null before the first epoch). */
  best: number | null = null;
  /** Files written so far, by name (for tests and logs). */
  readonly written = { last: 0, best: 0 };
  private readonly write: (name: 'last' | 'best', bytes: Uint8Array) => Promise<void>;
  private madeDir = false;

  constructor(options: ModelCheckpointOptions) {
    const who = 'ModelCheckpoint';
    const every = options.every ?? 'epoch';
    if (every !== 'epoch' && !(Number.isInteger(every) && every >= 1)) {
      throw new Error(
        `${who}: every must be 'epoch' or a positive number of steps, got ${JSON.stringify(every)}`,
      );
    }
    if (options.dir === undefined && options.write === undefined) {
      throw new Error(`${who}: give a dir (files) or a write function`);
    }
    this.options = {
      dir: options.dir ?? null,
      every,
      saveLast: options.saveLast ?? true,
      saveBest: options.saveBest ?? true,
      monitor: options.monitor === undefined ? null : checkMonitor(who, options.monitor),
      mode: options.mode ?? 'auto',
    };
    this.write = options.write ?? ((name, bytes) => this.writeFile(name, bytes));
  }

  /** Where `name` is written (with a `dir`). */
  path(name: 'last' | 'best'): string {
    return `${this.options.dir}/${name}.safetensors`;
  }

  async onBatchEnd(fit: FitState, batch: BatchEnd): Promise<void> {
    const { every, saveLast } = this.options;
    // Not at an epoch's last batch: onEpochEnd writes the state after validation there.
    if (saveLast && every !== 'epoch' && batch.step % every === 0 && batch.batch < fit.stepsPerEpoch) {
      await this.save(['last'], fit);
    }
  }

  async onEpochEnd(fit: FitState, record: EpochRecord): Promise<void> {
    const names: ('last' | 'best')[] = [];
    if (this.options.saveBest) {
      const monitor = this.options.monitor ?? fit.monitor;
      const value = monitored(record, monitor);
      const mode = resolveMode(monitor, this.options.mode);
      if (
        value !== undefined &&
        Number.isFinite(value) &&
        (this.best === null || (mode === 'min' ? value < this.best : value > this.best))
      ) {
        this.best = value;
        names.push('best');
      }
    }
    if (this.options.saveLast) names.unshift('last'); // after every epoch, whatever `every` is
    await this.save(names, fit);
  }

  stateDict(): unknown {
    return { best: this.best };
  }

  loadStateDict(state: unknown): void {
    const best = (state as { best?: unknown } | null)?.best;
    if (best !== null && typeof best !== 'number') {
      throw new Error(
        `ModelCheckpoint.loadStateDict: expected { best: number | null }, got ${JSON.stringify(state)}`,
      );
    }
    this.best = best;
  }

  private async save(names: ('last' | 'best')[], fit: FitState): Promise<void> {
    if (names.length === 0) return;
    const bytes = await fit.checkpoint();
    for (const name of names) {
      await this.write(name, bytes);
      this.written[name]++;
    }
  }

  private async writeFile(name: 'last' | 'best', bytes: Uint8Array): Promise<void> {
    if (!this.madeDir) {
      const spec = 'node:fs/promises';
      const fs = (await import(
        /* @vite-ignore */ /* webpackIgnore: true */ spec
      )) as typeof import('node:fs/promises');
      await fs.mkdir(this.options.dir as string, { recursive: true });
      this.madeDir = true;
    }
    await writeFileAtomic(this.path(name), bytes);
  }
}
