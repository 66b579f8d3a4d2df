// Soak loops: a long training loop and a long run of state-dict loads, sampling the tensor count and
// bytes as they go, to show that neither grows. `bench/soak.ts` runs the long version (`pnpm bench:soak`);
// `soak.test.ts` runs them at a size that takes seconds.
import { parseArgs } from 'node:util';
import { Rng } from '@convkit/backend';
import {
  Conv2d,
  crossEntropy,
  Flatten,
  GlobalAvgPool2d,
  Linear,
  type Module,
  ReLU,
  Sequential,
  valueAndGradsAsync,
} from '@convkit/core';
import { BatchNorm1d, BatchNorm2d } from '@convkit/norms';
import { Dropout } from '@convkit/regularization';
import { SGD } from '@convkit/trainer';
import { dispose, memory, type Tensor, tensor, tensor1d } from '@tensorflow/tfjs-core';

/** The tensor count and bytes after a step (or load). */
export interface SoakSample {
  step: number;
  numTensors: number;
  numBytes: number;
}

/** What a soak loop saw: samples of the memory, and (training) the loss at the start and the end. */
export interface SoakResult {
  samples: SoakSample[];
  /** Whether every sample holds the first one's tensor count and bytes. */
  flat: boolean;
  firstLoss?: number;
  lastLoss?: number;
  seconds: number;
}

/** Model sizes: `tiny` (an MLP with BatchNorm, for the test suite) and `cnn` (a small CNN, for the soak script). */
export type SoakSize = 'tiny' | 'cnn';

/**
 * A model with every kind of state a training loop touches: parameters, BatchNorm's running statistics
 * and count, dropout's generator. `tiny` takes [N, 8] features, `cnn` [N, 16, 16, 3] images; 4 classes.
 */
export function soakModel(size: SoakSize, seed = 0): Module {
  const rng = new Rng(seed);
  if (size === 'tiny') {
    return new Sequential(
      new Linear({ inFeatures: 8, outFeatures: 16, rng }),
      new BatchNorm1d({ numFeatures: 16 }),
      new ReLU(),
      new Dropout({ p: 0.1, rng: rng.fork() }),
      new Linear({ inFeatures: 16, outFeatures: 4, rng }),
    );
  }
  return new Sequential(
    new Conv2d({ inChannels: 3, outChannels: 16, kernelSize: 3, padding: 1, rng }),
    new BatchNorm2d({ numFeatures: 16 }),
    new ReLU(),
    new Conv2d({ inChannels: 16, outChannels: 32, kernelSize: 3, stride: 2, padding: 1, rng }),
    new BatchNorm2d({ numFeatures: 32 }),
    new ReLU(),
    new GlobalAvgPool2d(),
    new Flatten(),
    new Dropout({ p: 0.1, rng: rng.fork() }),
    new Linear({ inFeatures: 32, outFeatures: 4, rng }),
  );
}

function batch(size: SoakSize, seed: number): { x: Tensor; y: Tensor } {
  const rng = new Rng(seed);
  const n = 8;
  const x = rng.normalTensor(size === 'tiny' ? [n, 8] : [n, 16, 16, 3]);
  const y = tensor1d(
    Array.from({ length: n }, (_, i) => i % 4),
    'int32',
  );
  return { x, y };
}

const sample = (step: number): SoakSample => ({
  step,
  numTensors: memory().numTensors,
  numBytes: memory().numBytes,
});

/** Whether every sample holds the first one's tensor count and bytes (false for no samples). */
export function isFlat(samples: readonly SoakSample[]): boolean {
  const [first] = samples;
  if (first === undefined) return false;
  return samples.every((s) => s.numTensors === first.numTensors && s.numBytes === first.numBytes);
}

function result(samples: SoakSample[], started: number, extra: Partial<SoakResult> = {}): SoakResult {
  return { samples, flat: isFlat(samples), seconds: (performance.now() - started) / 1000, ...extra };
}

/** Options of {@link soakTraining}. */
export interface SoakTrainingOptions {
  steps: number;
  /** Sample the memory (and read the loss) every this many steps. */
  every: number;
  size: SoakSize;
  /** Called with each sample as it is taken (progress). */
  onSample?: (s: SoakSample) => void;
}

/**
 * A training loop of `steps` steps: forward in training mode (BatchNorm updating its statistics, dropout
 * drawing masks), cross-entropy, `valueAndGradsAsync` with the finite check, an SGD step with momentum
 * and weight decay (@convkit/trainer), the loss read back every `every` steps. Samples the memory after
 * step 1 and every `every` steps; everything it made is disposed at the end.
 */
export async function soakTraining({
  steps,
  every,
  size,
  onSample,
}: SoakTrainingOptions): Promise<SoakResult> {
  const started = performance.now();
  const model = soakModel(size);
  const opt = new SGD(model, { lr: 0.05, momentum: 0.9, weightDecay: 1e-4 });
  const { x, y } = batch(size, 1);
  const samples: SoakSample[] = [];
  let firstLoss: number | undefined;
  let lastLoss: number | undefined;
  try {
    for (let step = 1; step <= steps; step++) {
      const { loss, grads } = await valueAndGradsAsync(model, () => crossEntropy(model.call(x), y), {
        checkFinite: true,
      });
      opt.step(grads);
      dispose(grads);
      if (step === 1 || step % every === 0) {
        const value = (await loss.data())[0] as number;
        firstLoss ??= value;
        lastLoss = value;
      }
      loss.dispose();
      if (step === 1 || step % every === 0) {
        samples.push(sample(step));
        onSample?.(samples[samples.length - 1] as SoakSample);
      }
    }
  } finally {
    opt.dispose();
    model.dispose();
    dispose([x, y]);
  }
  return result(samples, started, { firstLoss, lastLoss });
}

/** Options of {@link soakLoadStateDict}. */
export interface SoakLoadOptions {
  loads: number;
  every: number;
  size: SoakSize;
  /** Called with each sample as it is taken (progress). */
  onSample?: (s: SoakSample) => void;
}

/**
 * `loads` calls of `loadStateDict`, alternating between another module's own state (shared variables)
 * and a state of fresh tensors, as a checkpoint loader makes them (disposed by their owner after the
 * load). Samples the memory after load 1 and every `every` loads.
 */
export async function soakLoadStateDict({
  loads,
  every,
  size,
  onSample,
}: SoakLoadOptions): Promise<SoakResult> {
  const started = performance.now();
  const target = soakModel(size, 1);
  const source = soakModel(size, 2);
  const samples: SoakSample[] = [];
  try {
    for (let i = 1; i <= loads; i++) {
      if (i % 2 === 1) {
        target.loadStateDict(source.stateDict());
      } else {
        const fresh = Object.fromEntries(
          await Promise.all(
            Object.entries(source.stateDict()).map(
              async ([k, v]) => [k, tensor(await v.data(), v.shape)] as const,
            ),
          ),
        );
        target.loadStateDict(fresh);
        dispose(Object.values(fresh));
      }
      if (i === 1 || i % every === 0) {
        samples.push(sample(i));
        onSample?.(samples[samples.length - 1] as SoakSample);
      }
    }
  } finally {
    target.dispose();
    source.dispose();
  }
  return result(samples, started);
}

/** What `pnpm bench:soak` was asked to do. */
export interface SoakOptions {
  backend: string;
  steps: number;
  loads: number;
  size: SoakSize;
}

export const SOAK_USAGE = `Usage: pnpm bench:soak [options]   (from the repository root; in bench/: tsx soak.ts [options])

Runs a long training loop (forward in training mode, cross-entropy, valueAndGradsAsync with the finite
check, SGD with momentum) and a long run of loadStateDict calls on one backend, samples the tensor count
and bytes as they go, and ends with one PASS or FAIL line: PASS when neither grows and the loss fell.
Exit code 0 on PASS, 1 on FAIL, 2 on a bad command line.

Options:
  --backend <name>   backend (default wasm)
  --steps <n>        training steps (default 10000)
  --loads <n>        loadStateDict calls (default 1000)
  --size <size>      model: cnn (a small CNN on 16x16x3 images, default) or tiny (an MLP)
  -h, --help         this text`;

function positiveInteger(name: string, text: string | undefined, fallback: number): number | string {
  if (text === undefined) return fallback;
  const n = Number(text);
  return Number.isInteger(n) && n > 0 ? n : `--${name} must be a positive integer, got '${text}'`;
}

/**
 * Parses the command line of bench/soak.ts: `{ help }` for -h/--help, `{ error }` (with the usage) for
 * an unknown option, a bad count or size, otherwise the options.
 */
export function parseSoakArgs(
  args: readonly string[],
): { help: string } | { error: string } | { options: SoakOptions } {
  let values: { backend?: string; steps?: string; loads?: string; size?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        backend: { type: 'string' },
        steps: { type: 'string' },
        loads: { type: 'string' },
        size: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    return { error: `${err instanceof Error ? err.message : String(err)}\n\n${SOAK_USAGE}` };
  }
  if (values.help) return { help: SOAK_USAGE };
  const steps = positiveInteger('steps', values.steps, 10_000);
  const loads = positiveInteger('loads', values.loads, 1000);
  for (const n of [steps, loads]) if (typeof n === 'string') return { error: `${n}\n\n${SOAK_USAGE}` };
  const size = values.size ?? 'cnn';
  if (size !== 'cnn' && size !== 'tiny') {
    return { error: `--size must be cnn or tiny, got '${size}'\n\n${SOAK_USAGE}` };
  }
  return {
    options: { backend: values.backend ?? 'wasm', steps: steps as number, loads: loads as number, size },
  };
}

const mb = (bytes: number) => `${bytes.toLocaleString('en-US')} B`;

/** The samples of a soak loop as markdown table rows: step (or load), tensors, bytes. */
export function sampleRows(label: string, r: SoakResult): string[] {
  return [
    `| ${label} | tensors | bytes |`,
    '| ---: | ---: | ---: |',
    ...r.samples.map((s) => `| ${s.step} | ${s.numTensors} | ${mb(s.numBytes)} |`),
  ];
}

/**
 * The verdict of a soak run: PASS when both loops kept the tensor count and bytes flat and the
 * training loss fell, with one line that says so (and the numbers).
 */
export function soakVerdict(
  o: SoakOptions,
  training: SoakResult,
  loading: SoakResult,
): { pass: boolean; line: string } {
  const span = (r: SoakResult) => {
    const first = r.samples[0];
    const last = r.samples[r.samples.length - 1];
    return first === undefined || last === undefined
      ? 'no samples'
      : `${first.numTensors} → ${last.numTensors} tensors, ${mb(first.numBytes)} → ${mb(last.numBytes)}`;
  };
  const learned =
    training.firstLoss !== undefined &&
    training.lastLoss !== undefined &&
    training.lastLoss < training.firstLoss;
  const pass = training.flat && loading.flat && learned;
  const loss = `loss ${training.firstLoss?.toFixed(4)} → ${training.lastLoss?.toFixed(4)}`;
  const line =
    `soak ${pass ? 'PASS' : 'FAIL'} on ${o.backend} (${o.size}): ${o.steps} training steps ` +
    `${span(training)}${training.flat ? '' : ' (grew)'}, ${loss}${learned ? '' : ' (did not fall)'}, ` +
    `${training.seconds.toFixed(0)} s; ${o.loads} loadStateDict calls ${span(loading)}` +
    `${loading.flat ? '' : ' (grew)'}, ${loading.seconds.toFixed(0)} s`;
  return { pass, line };
}
