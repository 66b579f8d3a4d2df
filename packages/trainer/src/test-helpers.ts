// Test helpers: PyTorch golden cases (fixtures/golden.json). Imports vitest: use from test files only.
import { readFileSync } from 'node:fs';
import { tensor, type Variable, variable } from '@tensorflow/tfjs-core';

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
