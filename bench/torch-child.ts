// convkit's side of the PyTorch comparison (torch.ts drives it): one process, one thread count,
// answering one JSON line per command read from stdin, like bench/torch/resnet_server.py.
//   node --import tsx torch-child.ts <threads>
//   {"op":"setup","net":"resnet18"|"small","batch":32}     -> {"params": n, "report": "..."}
//   {"op":"time","what":"infer"|"inferFolded"|"train","runs":3,"warmup":1} -> {"ms": [...], "heapBytes": n}
//   (inferFolded: inference with foldNorms on — BatchNorm folded into the conv before it)
//   {"op":"convs","batch":32}                                -> {"rows": [...]} (per conv shape)
import { createInterface } from 'node:readline';
import { formatReport, initBackend, Rng } from '@convkit/backend';
import { foldNorms, type Sequential } from '@convkit/core';
import { dispose, type Tensor, tensor1d } from '@tensorflow/tfjs-core';
import { convKernels, convMacs, RESNET18_CONVS } from './src/conv-shapes';
import { cifarResNet, RESNET18_CIFAR, SMALL_RESNET } from './src/resnets';
import { infer, sgdMomentum, wasmHeapBytes } from './src/train-step';

const NETS = { resnet18: RESNET18_CIFAR, small: SMALL_RESNET } as const;

interface State {
  net: Sequential;
  x: Tensor;
  y: Tensor;
  train: (x: Tensor, y: Tensor) => Promise<number>;
}

async function timeRuns(f: () => Promise<unknown>, runs: number, warmup: number): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await f();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await f();
    ms.push(performance.now() - t0);
  }
  return ms;
}

async function main(): Promise<void> {
  const threads = Number(process.argv[2] ?? 0) || undefined;
  const report = await initBackend({ backend: 'wasm', strict: true, wasmThreads: threads });
  let state: State | undefined;
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    const cmd = JSON.parse(line) as Record<string, unknown>;
    let out: unknown;
    try {
      if (cmd.op === 'setup') {
        if (state) {
          dispose([state.x, state.y]);
          state.net.dispose();
        }
        const batch = cmd.batch as number;
        const net = cifarResNet(NETS[cmd.net as keyof typeof NETS], 0);
        const rng = new Rng(1);
        state = {
          net,
          x: rng.normalTensor([batch, 32, 32, 3]),
          y: tensor1d(
            Array.from({ length: batch }, (_, i) => i % 10),
            'int32',
          ),
          train: sgdMomentum(net),
        };
        out = { params: net.numParameters(), report: formatReport(report).split('\n')[0] };
      } else if (cmd.op === 'time') {
        const s = state as State;
        foldNorms(s.net, cmd.what === 'inferFolded');
        const run = cmd.what === 'train' ? () => s.train(s.x, s.y) : () => infer(s.net, s.x);
        const ms = await timeRuns(run, cmd.runs as number, (cmd.warmup as number | undefined) ?? 1);
        out = { ms, heapBytes: wasmHeapBytes() };
      } else if (cmd.op === 'convs') {
        const batch = cmd.batch as number;
        const rows = [];
        for (const c of RESNET18_CONVS) {
          const k = convKernels(c, batch);
          // Best of 3 after a warm-up; each pass times itself (fresh operands made off the clock).
          const best = async (f: () => Promise<number>) => {
            await f();
            return Math.min(await f(), await f(), await f());
          };
          const forward = await best(k.forward);
          const inputGrad = await best(k.inputGrad);
          const filterGrad = await best(k.filterGrad);
          k.dispose();
          rows.push({
            name: c.name,
            count: c.count,
            macs: convMacs(c, batch),
            forward,
            inputGrad,
            filterGrad,
          });
        }
        out = { rows };
      } else {
        out = { error: `unknown op ${String(cmd.op)}` };
      }
    } catch (err) {
      out = { error: err instanceof Error ? err.message : String(err) };
    }
    process.stdout.write(`${JSON.stringify(out)}\n`);
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
