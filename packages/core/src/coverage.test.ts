import { initBackend, Rng } from '@convkit/backend';
import { describeEachBackend } from '@convkit/backend/testing';
import {
  dispose,
  engine,
  getGradient,
  getKernel,
  grad,
  mul,
  profile,
  type Scalar,
  sum,
  type Tensor,
  tensor1d,
  variableGrads,
} from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { crossEntropy } from './losses';
import type { ModuleConfig } from './module';
import { coreModules } from './registry';

// The coverage test: every kernel a convkit layer uses, forward and backward, must exist on
// every backend, and every kernel on a differentiable path must have a registered gradient.
// Kernel names are collected on cpu (ops pick kernels by name, the same on every backend).

const registry = coreModules();
const conv = (o: Record<string, unknown>) => ({ inChannels: 4, outChannels: 4, kernelSize: 3, ...o });
const act = (className: string, config: Record<string, unknown> = {}): Example => ({
  config: { className, config },
  input: [2, 5],
});
interface Example {
  config: ModuleConfig;
  input: number[];
}
const examples: Example[] = [
  { config: { className: 'Conv2d', config: conv({ padding: 1 }) }, input: [2, 5, 5, 4] },
  { config: { className: 'Conv2d', config: conv({ groups: 4, padding: 'same' }) }, input: [2, 5, 5, 4] },
  {
    config: { className: 'Conv2d', config: conv({ groups: 2, outChannels: 6, stride: 2 }) },
    input: [2, 5, 5, 4],
  },
  { config: { className: 'Conv2d', config: conv({ dilation: 2, padding: 2 }) }, input: [2, 5, 5, 4] },
  {
    config: { className: 'Conv2d', config: conv({ dilation: 2, stride: 2, groups: 4 }) },
    input: [2, 7, 7, 4],
  },
  { config: { className: 'Linear', config: { inFeatures: 5, outFeatures: 3 } }, input: [2, 5] },
  { config: { className: 'Linear', config: { inFeatures: 5, outFeatures: 3 } }, input: [2, 3, 5] },
  {
    config: { className: 'MaxPool2d', config: { kernelSize: 3, stride: 2, padding: 1 } },
    input: [2, 5, 5, 2],
  },
  {
    config: { className: 'AvgPool2d', config: { kernelSize: 3, stride: 2, padding: 1 } },
    input: [2, 5, 5, 2],
  },
  {
    config: { className: 'AvgPool2d', config: { kernelSize: 3, padding: 1, countIncludePad: false } },
    input: [2, 5, 5, 2],
  },
  { config: { className: 'AdaptiveAvgPool2d', config: { outputSize: 1 } }, input: [2, 5, 5, 2] },
  { config: { className: 'AdaptiveAvgPool2d', config: { outputSize: 2 } }, input: [2, 4, 4, 2] },
  { config: { className: 'AdaptiveAvgPool2d', config: { outputSize: [3, 2] } }, input: [2, 7, 5, 2] },
  { config: { className: 'GlobalAvgPool2d', config: {} }, input: [2, 3, 3, 2] },
  { config: { className: 'Flatten', config: {} }, input: [2, 3, 3, 2] },
  { config: { className: 'Identity', config: {} }, input: [2, 3] },
  {
    config: {
      className: 'Sequential',
      config: {
        layers: [
          { className: 'ReLU', config: {} },
          { className: 'Identity', config: {} },
        ],
      },
    },
    input: [2, 3],
  },
  {
    config: { className: 'Residual', config: { body: { className: 'Tanh', config: {} } } },
    input: [2, 3],
  },
  act('ReLU'),
  act('LeakyReLU'),
  act('ELU'),
  act('ELU', { alpha: 0.5 }),
  act('GELU'),
  act('GELU', { approximate: 'tanh' }),
  act('SiLU'),
  act('Sigmoid'),
  act('Tanh'),
  act('Softmax'),
  { config: { className: 'Softmax', config: { axis: 1 } }, input: [2, 3, 4] },
];

interface Usage {
  /** Every kernel run, forward and backward. */
  kernels: Set<string>;
  /** Kernels taped on a path from an input or parameter to the loss: they need a gradient. */
  differentiable: Set<string>;
  /** Why the backward pass failed, if it did. */
  backwardError?: string;
}

/** Kernel names of taped nodes that connect `xs` to `y` (what tfjs's backprop will visit). */
function tapedPath(xs: Tensor[], y: Tensor): string[] {
  const tape = engine().state.activeTape ?? [];
  const reached = new Set(xs.map((t) => t.id));
  const forward = tape.filter((node) => {
    const hit = Object.values(node.inputs).some((t) => reached.has(t.id));
    if (hit) for (const o of node.outputs) reached.add(o.id);
    return hit;
  });
  const needed = new Set([y.id]);
  const names: string[] = [];
  for (const node of [...forward].reverse()) {
    if (!node.outputs.some((o) => needed.has(o.id))) continue;
    names.push(node.kernelName);
    for (const t of Object.values(node.inputs)) needed.add(t.id);
  }
  return names;
}

async function collect(run: (taped: (xs: Tensor[], y: Tensor) => void) => void): Promise<Usage> {
  const usage: Usage = { kernels: new Set(), differentiable: new Set() };
  const info = await profile(() => {
    try {
      run((xs, y) => {
        for (const name of tapedPath(xs, y)) usage.differentiable.add(name);
      });
    } catch (err) {
      usage.backwardError = err instanceof Error ? err.message : String(err);
    }
    return [];
  });
  // A customGrad node is profiled under its scope name, not a kernel: keep real kernels only.
  for (const name of info.kernelNames) if (getKernel(name, 'cpu')) usage.kernels.add(name);
  for (const name of [...usage.differentiable])
    if (!getKernel(name, 'cpu')) usage.differentiable.delete(name);
  return usage;
}

const usages = new Map<string, Usage>();
const label = (e: Example) => `${e.config.className} ${JSON.stringify(e.config.config)}`;

beforeAll(async () => {
  await initBackend({ backend: 'cpu', strict: true });
  for (const e of examples) {
    const m = registry.fromConfig(e.config);
    const x = new Rng(1).normalTensor(e.input);
    const y0 = m.call(x);
    const r = new Rng(2).normalTensor(y0.shape);
    y0.dispose();
    const params = m.trainableParameters();
    usages.set(
      label(e),
      await collect((taped) => {
        const loss = (xi: Tensor): Scalar => {
          const y: Scalar = sum(mul(m.call(xi), r));
          taped([xi, ...params], y);
          return y;
        };
        dispose(grad(loss)(x));
        if (params.length > 0) {
          const { value, grads } = variableGrads(() => loss(x), params);
          dispose([value, grads]);
        }
      }),
    );
    dispose([x, r]);
    m.dispose();
  }
  const logits = new Rng(3).normalTensor([4, 5]);
  const labels = tensor1d([0, 3, 4, 1], 'int32');
  usages.set(
    'crossEntropy',
    await collect((taped) => {
      dispose(
        grad((z: Tensor) => {
          const y = crossEntropy(z, labels);
          taped([z], y);
          return y;
        })(logits),
      );
    }),
  );
  dispose([logits, labels]);
});

describe('kernel coverage: what the layers use', () => {
  it('has an example for every core module', () => {
    const covered = new Set(examples.map((e) => e.config.className));
    expect(registry.names().filter((n) => !covered.has(n))).toEqual([]);
  });

  it('runs forward and backward of every example on cpu', () => {
    const failed = [...usages].filter(([, u]) => u.backwardError).map(([k, u]) => `${k}: ${u.backwardError}`);
    expect(failed).toEqual([]);
    expect(usages.get(label(examples[0]))?.kernels).toContain('Conv2D');
    expect(usages.get(label(examples[0]))?.kernels).toContain('Conv2DBackpropFilter');
  });

  it('has a registered gradient for every kernel on a differentiable path', () => {
    const missing = [...usages].flatMap(([k, u]) =>
      [...u.differentiable].filter((name) => !getGradient(name)).map((name) => `${name} (${k})`),
    );
    expect(missing).toEqual([]);
  });
});

describeEachBackend('kernel coverage', (backend) => {
  it(`registers on ${backend} every kernel the layers use, forward and backward`, () => {
    const all = new Set([...usages.values()].flatMap((u) => [...u.kernels]));
    expect(all.size).toBeGreaterThan(20);
    const missing = [...all].filter((name) => !getKernel(name, backend)).sort();
    const users = (name: string) => [...usages].filter(([, u]) => u.kernels.has(name)).map(([k]) => k);
    expect(missing.map((name) => `${name} (used by ${users(name)[0]})`)).toEqual([]);
  });
});
