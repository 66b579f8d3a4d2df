import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';

/** The Python of the PyTorch references: Debian's, which has python3-torch and python3-torchvision. */
export const PYTHON = '/usr/bin/python3';
const SCRIPT = join(import.meta.dirname, '..', 'torch', 'models_worker.py');

/**
 * A PyTorch process that times torchvision models on request (`torch/models_worker.py`), for the
 * `models` job: one process per bench child, answering one request at a time, so that its runs
 * interleave with convkit's instead of competing with them for the cores.
 */
export class TorchWorker {
  private readonly lines: AsyncIterator<string>;

  private constructor(
    private readonly child: ChildProcess,
    reader: Interface,
    /** e.g. `PyTorch 1.13.0, 1 thread`. */
    readonly description: string,
  ) {
    this.lines = reader[Symbol.asyncIterator]();
  }

  /** Starts the worker, or resolves to why there is no PyTorch (a reason to print: "no PyTorch: …"). */
  static async start(python = PYTHON): Promise<TorchWorker | string> {
    if (!existsSync(python)) return `no PyTorch (no ${python})`;
    const child = spawn(python, [SCRIPT], { stdio: ['pipe', 'pipe', 'inherit'] });
    const reader = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    const first = await reader[Symbol.asyncIterator]().next();
    const hello = first.done ? { ready: false, error: 'the worker exited' } : JSON.parse(first.value);
    if (!hello.ready) {
      child.kill();
      return `no PyTorch (${String(hello.error).split('\n')[0]})`;
    }
    const threads = `${hello.threads} thread${hello.threads === 1 ? '' : 's'}`;
    return new TorchWorker(child, reader, `PyTorch ${hello.torch}, ${threads}`);
  }

  /** Times `runs` forward passes of `model` on a batch of `batch` (after `warmup` untimed ones), in ms. */
  async time(model: string, batch: number, runs: number, warmup = 1): Promise<number[]> {
    this.child.stdin?.write(`${JSON.stringify({ model, batch, runs, warmup })}\n`);
    const answer = await this.lines.next();
    if (answer.done) throw new Error('the PyTorch worker exited');
    return (JSON.parse(answer.value) as { ms: number[] }).ms;
  }

  close(): void {
    this.child.stdin?.end();
    this.child.kill();
  }
}
