// Test helpers: PyTorch golden cases (fixtures/golden.json). Imports vitest: use from test files only.
import { readFileSync } from 'node:fs';
import { expectClose } from '@convkit/backend/testing';
import type { Module } from '@convkit/core';
import {
  dispose,
  grad,
  keep,
  memory,
  mul,
  sum,
  type Tensor,
  tensor,
  tidy,
  type Variable,
  variable,
  variableGrads,
} from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { BatchNorm1d, BatchNorm2d } from './batch-norm';
import { GroupNorm } from './group-norm';
import { InstanceNorm2d } from './instance-norm';
import { LayerNorm, LayerNorm2d } from './layer-norm';

type Floats = number[];

/** One case of fixtures/golden.json (see fixtures/make_fixtures.py). */
export interface NormGoldenCase {
  name: string;
  layer: 'BatchNorm1d' | 'BatchNorm2d' | 'LayerNorm' | 'LayerNorm2d' | 'InstanceNorm2d' | 'GroupNorm';
  options: Record<string, unknown>;
  shape: number[];
  x: Floats[];
  g: Floats;
  weight: Floats | null;
  bias: Floats | null;
  train: { y: Floats; dx: Floats; dweight: Floats | null; dbias: Floats | null };
  running?: { runningMean: Floats; runningVar: Floats; numBatchesTracked: number };
  eval: { y: Floats; dx: Floats };
}

const golden = JSON.parse(readFileSync(new URL('../fixtures/golden.json', import.meta.url), 'utf8')) as {
  cases: NormGoldenCase[];
};

const classes = { BatchNorm1d, BatchNorm2d, LayerNorm, LayerNorm2d, InstanceNorm2d, GroupNorm };

/** The golden cases of the given layer classes. */
export function goldenCases(...layers: NormGoldenCase['layer'][]): NormGoldenCase[] {
  return golden.cases.filter((c) => layers.includes(c.layer));
}

type Norm = Module & { weight?: Variable; bias?: Variable; runningMean?: Variable; runningVar?: Variable };

/**
 * Registers one test replaying a golden case on the current backend: train-mode output and gradients
 * (input, weight, bias) of step 0, running statistics after every step, eval output and input gradient.
 * Tolerances: |a − e| ≤ atol·max|e| + rtol·|e| per tensor (relative to the tensor's scale). The goldens are
 * PyTorch in float64 on float32 inputs, i.e. the exact answers, so they hold for large-mean inputs too.
 */
export function itMatchesTorch(c: NormGoldenCase, tol: { rtol: number; atol: number }): void {
  const t = tol;
  it(`matches PyTorch: ${c.name}`, async () => {
    const before = memory().numTensors;
    const Cls = classes[c.layer] as unknown as new (o: Record<string, unknown>) => Norm;
    const m = new Cls(c.options);
    const close = (a: Tensor, e: Floats, what: string) => {
      const scale = e.reduce((s, v) => Math.max(s, Math.abs(v)), 0);
      return expectClose(a, e, { rtol: t.rtol, atol: t.atol * scale + 1e-7 }, `${c.name}: ${what}`);
    };
    const set = (v: Variable | undefined, values: Floats | null) => {
      if (!v || !values) return;
      const t = tensor(values, v.shape);
      v.assign(t);
      t.dispose();
    };
    set(m.weight, c.weight);
    set(m.bias, c.bias);
    expect(Boolean(m.weight), 'has weight').toBe(c.weight !== null);
    const x0 = tidy(() => variable(tensor(c.x[0], c.shape)));
    const g = tensor(c.g, c.shape);
    const owned: Tensor[] = [x0, g];
    try {
      m.train();
      let y: Tensor | undefined;
      const params = [m.weight, m.bias].filter((p): p is Variable => p !== undefined);
      const { value, grads } = variableGrads(() => {
        const out = m.call(x0);
        y = keep(out);
        return sum(mul(out, g));
      }, [x0, ...params]);
      owned.push(value, ...Object.values(grads), y as Tensor);
      await close(y as Tensor, c.train.y, 'train y');
      await close(grads[x0.name], c.train.dx, 'train dx');
      if (m.weight && c.train.dweight) await close(grads[m.weight.name], c.train.dweight, 'dweight');
      if (m.bias && c.train.dbias) await close(grads[m.bias.name], c.train.dbias, 'dbias');

      for (const xs of c.x.slice(1)) dispose(tidy(() => m.call(tensor(xs, c.shape))));
      if (c.running) {
        await close(m.runningMean as Tensor, c.running.runningMean, 'runningMean');
        await close(m.runningVar as Tensor, c.running.runningVar, 'runningVar');
        const tracked = m.namedBuffers().find(([n]) => n === 'numBatchesTracked')?.[1];
        expect((await (tracked as Tensor).data())[0]).toBe(c.running.numBatchesTracked);
      } else {
        expect(m.runningMean).toBeUndefined();
      }

      m.eval();
      const yEval = m.call(x0);
      const dxEval = grad((xi: Tensor) => sum(mul(m.call(xi), g)))(x0);
      owned.push(yEval, dxEval);
      await close(yEval, c.eval.y, 'eval y');
      await close(dxEval, c.eval.dx, 'eval dx');
    } finally {
      dispose(owned);
      m.dispose();
    }
    expect(memory().numTensors, 'no tensor leak').toBe(before);
  });
}
