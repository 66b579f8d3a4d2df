// convkit (wasm) next to PyTorch (CPU) on the same machine: ResNet-18 (CIFAR) and a small ResNet,
// inference and train step, in interleaved rounds; convkit's scaling from 1 to 2 threads; the wasm heap
// peak of a ResNet-18 train step per batch size; the per-conv-shape table. Writes its section of
// RESULTS.md (between the convkit-vs-pytorch markers; `pnpm bench` keeps it).
//   pnpm bench:torch                          # from the repository root
//   tsx torch.ts --rounds 3 --no-write        # in bench/
// PyTorch runs through /usr/bin/python3 (Debian's python3-torch); without it the PyTorch columns say
// "skipped: no PyTorch" and the convkit figures are still measured.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { median } from './src/measure';
import { machineInfo } from './src/report';
import {
  type ComparisonCase,
  type ComparisonResults,
  type ConvRow,
  comparisonMarkdown,
  type HeapRow,
  replaceSection,
} from './src/torch-report';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    runs: { type: 'string', default: '3' },
    python: { type: 'string', default: '/usr/bin/python3' },
    'heap-batches': { type: 'string', default: '32,64,128' },
    'no-write': { type: 'boolean', default: false },
  },
});
const rounds = Number(values.rounds);
const runs = Number(values.runs);

/** A child that answers one JSON line per JSON line it is sent. */
class Peer {
  private readonly lines: Interface;
  private readonly pending: ((line: string) => void)[] = [];
  private exited = false;
  private stderr = '';

  constructor(
    readonly name: string,
    private readonly child: ChildProcessWithoutNullStreams,
  ) {
    this.lines = createInterface({ input: child.stdout });
    this.lines.on('line', (line) => this.pending.shift()?.(line));
    child.stderr.on('data', (d) => {
      this.stderr = (this.stderr + String(d)).slice(-2000);
    });
    child.on('exit', () => {
      this.exited = true;
      for (const p of this.pending.splice(0)) p(JSON.stringify({ error: `${name} exited: ${this.stderr}` }));
    });
  }

  ask<T>(cmd: object): Promise<Partial<T> & { error?: string }> {
    type Answer = Partial<T> & { error?: string };
    if (this.exited)
      return Promise.resolve({ error: `${this.name} is not running: ${this.stderr}` } as Answer);
    return new Promise((resolve) => {
      this.pending.push((line) => resolve(JSON.parse(line) as Answer));
      this.child.stdin.write(`${JSON.stringify(cmd)}\n`);
    });
  }

  close(): void {
    this.child.stdin.end();
    this.child.kill();
  }
}

const convkitPeer = (threads: number) =>
  new Peer(
    `convkit (${threads} threads)`,
    spawn(process.execPath, ['--import', 'tsx', 'torch-child.ts', String(threads)], { cwd: here }),
  );

async function torchPeer(): Promise<{ peer?: Peer; version: string }> {
  if (!existsSync(values.python)) return { version: `skipped: no PyTorch (${values.python} not found)` };
  const peer = new Peer('PyTorch', spawn(values.python, [join(here, 'torch/resnet_server.py')]));
  const hello = await peer.ask<{ torch: string }>({ op: 'hello' });
  if (hello.error !== undefined || hello.torch === undefined) {
    peer.close();
    return { version: 'skipped: no PyTorch (python3 cannot import torch)' };
  }
  return { peer, version: `PyTorch ${hello.torch} (${values.python}), NCHW` };
}

const CASE_NAMES = {
  infer: 'inference (eval)',
  inferFolded: 'inference (eval, foldNorms; PyTorch unfolded)',
  train: 'train step',
} as const;

const log = (s: string) => process.stderr.write(`${s}\n`);

async function main(): Promise<void> {
  const loadAtStart = loadavg()[0] ?? 0;
  const started = performance.now();
  const { peer: torch, version } = await torchPeer();
  log(`bench:torch: ${version}`);
  const convkit = { 1: convkitPeer(1), 2: convkitPeer(2) } as const;
  const notes: string[] = [];
  const params: ComparisonResults['params'] = [];
  const cases: ComparisonCase[] = [];
  const scaling: ComparisonResults['scaling'] = [];
  const plan = [
    { net: 'resnet18', label: 'ResNet-18 (CIFAR)', what: ['infer', 'inferFolded', 'train'] },
    { net: 'small', label: 'small ResNet (16-32-64-128)', what: ['infer', 'train'] },
  ] as const;
  let report = '';
  for (const { net, label, what } of plan) {
    const setups = await Promise.all([
      convkit[1].ask<{ params: number }>({ op: 'setup', net, batch: 32 }),
      convkit[2].ask<{ params: number; report: string }>({ op: 'setup', net, batch: 32 }),
    ]);
    report = (setups[1] as { report?: string }).report ?? report;
    const t = torch ? await torch.ask<{ params: number }>({ op: 'setup', net, batch: 32 }) : undefined;
    for (const st of setups) if (st.error !== undefined || st.params === undefined) throw new Error(st.error);
    params.push({ name: label, convkit: setups[1].params as number, torch: t?.params });
    for (const w of what) {
      const name = `${label}, ${CASE_NAMES[w]}`;
      const byThreads = new Map<number, ComparisonCase>();
      for (const threads of [2, 1]) {
        const c: ComparisonCase = { name, threads, rounds: [] };
        byThreads.set(threads, c);
        cases.push(c);
      }
      for (let round = 0; round < rounds; round++) {
        for (const threads of [2, 1] as const) {
          const ours = await convkit[threads].ask<{ ms: number[] }>({ op: 'time', what: w, runs, warmup: 1 });
          if (ours.error !== undefined || ours.ms === undefined) throw new Error(ours.error);
          // PyTorch has no folding in eval mode: inferFolded is timed against its plain inference.
          const theirs = torch
            ? await torch.ask<{ ms: number[] }>({
                op: 'time',
                what: w === 'train' ? 'train' : 'infer',
                threads,
                runs,
                warmup: 1,
              })
            : undefined;
          const entry = { convkit: median(ours.ms), torch: theirs?.ms ? median(theirs.ms) : undefined };
          byThreads.get(threads)?.rounds.push(entry);
          log(
            `  ${name}, ${threads} thread(s), round ${round + 1}: convkit ${entry.convkit.toFixed(0)} ms, ` +
              `PyTorch ${entry.torch?.toFixed(0) ?? '–'} ms`,
          );
        }
      }
      if (w === 'train') {
        const one = byThreads.get(1)?.rounds ?? [];
        const two = byThreads.get(2)?.rounds ?? [];
        scaling.push({ name: label, rounds: one.map((r, i) => r.convkit / (two[i]?.convkit ?? Number.NaN)) });
      }
    }
  }
  log('bench:torch: per-conv-shape table');
  const convs = await convkit[2].ask<{ rows: ConvRow[] }>({ op: 'convs', batch: 32 });
  for (const p of [convkit[1], convkit[2], torch]) p?.close();

  // The heap only grows: one fresh process per batch size, after two train steps.
  const heap: HeapRow[] = [];
  for (const batch of values['heap-batches'].split(',').map(Number)) {
    log(`bench:torch: wasm heap, batch ${batch}`);
    const peer = convkitPeer(2);
    await peer.ask({ op: 'setup', net: 'resnet18', batch });
    const r = await peer.ask<{ heapBytes: number }>({ op: 'time', what: 'train', runs: 1, warmup: 1 });
    heap.push({ batch, heapBytes: r.heapBytes, error: r.error });
    peer.close();
  }
  const machine = machineInfo(loadAtStart);
  const minutes = (performance.now() - started) / 60000;
  notes.push(
    `convkit: ${report}. Each thread count runs in its own process (the wasm thread pool is built once).`,
    'PyTorch threads: `torch.set_num_threads(t)` in one process; both sides run the same thread counts.',
    'Scaling to N cores: convkit splits each XNNPACK operator (convolutions, matrix products, most ' +
      'element-wise ops) over `wasmThreads` threads, every core by default, at most 8 (the size of ' +
      "tfjs-backend-wasm's pool); its JavaScript kernels (the conv-gradient re-layouts, MaxPoolGrad) and " +
      "tfjs's transposes stay on one thread, so the speed-up is below N by their share of the step.",
    'Heap peak: the size of the wasm memory after two ResNet-18 train steps in a fresh process (a ' +
      'WebAssembly memory never shrinks: allocator slack included; the wasm heap limit is 4 GiB).',
  );
  const results: ComparisonResults = {
    machine:
      `Machine: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, ${machine.date}, load average ` +
      `${loadAtStart.toFixed(1)} → ${machine.load[1].toFixed(1)}. Written by \`pnpm bench:torch\` ` +
      `(bench/torch.ts, ${rounds} rounds of ${runs} runs); the run took ${minutes.toFixed(1)} min.`,
    torch: version,
    params,
    cases,
    scaling,
    heap,
    convs: convs.rows ?? [],
    convBatch: 32,
    notes,
  };
  const section = comparisonMarkdown(results);
  console.log(section);
  if (!values['no-write']) {
    const file = join(here, 'RESULTS.md');
    writeFileSync(file, replaceSection(existsSync(file) ? readFileSync(file, 'utf8') : '', section));
    log('bench:torch: written to bench/RESULTS.md');
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
