// Test helpers: PyTorch golden cases (fixtures/golden.json). Imports vitest: use from test files only.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '@convkit/backend';
import { Conv2d, Flatten, Linear, type Module, ReLU, Sequential } from '@convkit/core';
import { createDataset, type Dataset } from '@convkit/data';
import { BatchNorm2d } from '@convkit/norms';
import { Dropout } from '@convkit/regularization';
import { tensor, type Variable, variable } from '@tensorflow/tfjs-core';
import { encode as encodePng } from 'fast-png';

type Floats = number[];

/** One optimizer case of fixtures/golden.json (see fixtures/make_fixtures.py). */
export interface OptimizerCase {
  name: string;
  optimizer: 'SGD' | 'Adam' | 'AdamW' | 'RMSprop';
  options: Record<string, unknown>;
  groups: { params: number[]; options: Record<string, unknown> }[] | null;
  shapes: number[][];
  params: Floats[];
  steps: { grads: (Floats | null)[]; lr?: number[]; params: Floats[] }[];
  state: Record<string, Record<string, Floats | number>>;
}

/** One clip_grad_norm_ case. */
export interface ClipNormCase {
  name: string;
  maxNorm: number;
  normType: number | 'Infinity';
  grads: Floats[];
  totalNorm: number;
  clipped: Floats[];
}

/** A schedule as the fixtures describe it: one schedule, or a composite of them. */
export type ScheduleSpec =
  | { kind: string; options: Record<string, unknown> }
  | { kind: 'SequentialLR' | 'ChainedScheduler'; schedulers: ScheduleSpec[]; milestones?: number[] };

/** One lr_scheduler case: the groups' rates (and momenta) after construction and after each step. */
export interface ScheduleCase {
  name: string;
  optimizer: 'SGD' | 'Adam';
  schedule: ScheduleSpec;
  metrics: number[] | null;
  lrs: number[][];
  momenta: number[][];
}

export interface Golden {
  torch: string;
  optimizers: OptimizerCase[];
  schedules: ScheduleCase[];
  clipGradNorm: ClipNormCase[];
  clipGradValue: { clipValue: number; grads: Floats[]; clipped: Floats[] };
}

export const golden = JSON.parse(
  readFileSync(new URL('../fixtures/golden.json', import.meta.url), 'utf8'),
) as Golden;

/** The parameter names the optimizer tests use: p0, p1, … */
export const paramName = (i: number) => `p${i}`;

/** Fresh variables holding a case's initial parameters, named p0, p1, … */
export function caseParams(c: OptimizerCase): [string, Variable][] {
  return c.params.map((values, i) => [paramName(i), owned(values, c.shapes[i])]);
}

/** A trainable variable holding `values`, the only holder of its data (as a Module's parameter). */
export function owned(values: Floats, shape: number[]): Variable {
  const t = tensor(values, shape);
  const v = variable(t, true);
  t.dispose();
  return v;
}

// ---- fit, checkpoints and recipe: tiny synthetic data and models that train in milliseconds ----

/**
 * A tiny image dataset: `count` 6×6×1 images of `classes` classes, class c a bright horizontal band at
 * row c plus noise, so that a small model learns it in a few steps. Deterministic in `seed`.
 */
export function toyDataset(count: number, seed = 0, classes = 4): Dataset {
  const rng = new Rng(seed);
  const size = 6;
  const images = new Uint8Array(count * size * size);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const c = i % classes;
    labels[i] = c;
    for (let p = 0; p < size * size; p++) {
      const row = Math.floor(p / size);
      images[i * size * size + p] = Math.min(255, (row === c ? 180 : 20) + Math.floor(rng.uniform() * 60));
    }
  }
  return createDataset({
    images,
    labels,
    height: size,
    width: size,
    channels: 1,
    classes: Array.from({ length: classes }, (_, c) => `class${c}`),
  });
}

/** Conv → BatchNorm → ReLU → Flatten → Dropout → Linear on 6×6×1 inputs, seeded. */
export function toyModel(seed = 0, options: { classes?: number; dropout?: number } = {}): Sequential {
  const rng = new Rng(seed);
  return new Sequential(
    new Conv2d({ inChannels: 1, outChannels: 4, kernelSize: 3, padding: 1, rng }),
    new BatchNorm2d({ numFeatures: 4 }),
    new ReLU(),
    new Flatten(),
    new Dropout({ p: options.dropout ?? 0.2, rng: rng.fork() }),
    new Linear({ inFeatures: 4 * 36, outFeatures: options.classes ?? 4, rng }),
  );
}

/** Every parameter and buffer's values, by name (to compare two models bit for bit). */
export async function weightsOf(model: Module): Promise<Record<string, number[]>> {
  const entries = Object.entries(model.stateDict());
  const values = await Promise.all(entries.map(([, t]) => t.data()));
  return Object.fromEntries(entries.map(([k], i) => [k, Array.from(values[i])]));
}

/**
 * Writes `sets` (e.g. `{ train, val }`) as PNG image folders under `dir` (`dir/train/class0/0.png`, …):
 * torchvision's ImageFolder layout, for tests of loading data by path.
 */
export function writeImageFolder(dir: string, sets: Record<string, Dataset>): void {
  for (const [split, ds] of Object.entries(sets)) {
    const size = ds.height * ds.width * ds.channels;
    for (let i = 0; i < ds.count; i++) {
      const folder = join(dir, split, ds.classes[ds.labels[i] as number] as string);
      mkdirSync(folder, { recursive: true });
      const data = ds.images.slice(i * size, (i + 1) * size);
      writeFileSync(
        join(folder, `${i}.png`),
        encodePng({ width: ds.width, height: ds.height, data, channels: ds.channels, depth: 8 }),
      );
    }
  }
}
