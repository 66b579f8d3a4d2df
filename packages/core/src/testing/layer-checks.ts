import { Rng } from '@convkit/backend';
import { maxAbsDiff } from '@convkit/backend/testing';
import {
  add,
  dispose,
  grad,
  memory,
  mul,
  type Scalar,
  scalar,
  sum,
  type Tensor,
  tensor,
  tidy,
  type Variable,
} from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import type { Module, ModuleConfig } from '../module';
import { valueAndGrads } from '../step';

/** What `testLayer` checks a layer against. */
export interface TestLayerSpec {
  /** Suite title, e.g. `'Conv2d 3→8 k3 s2'`. */
  name: string;
  /** Builds the layer; `rng` differs between calls that need distinct initial weights. */
  make: (rng: Rng) => Module;
  /** Input shape; the input is standard normal unless `input` is given. */
  inputShape: number[];
  expectedOutputShape: number[];
  /** Total parameter elements (`numParameters()`). */
  expectedParams: number;
  /** The layer computes differently in train and eval modes (dropout, batch norm). Default false. */
  trainEvalDiffer?: boolean;
  /** Training-mode output is random (dropout): train-mode equality is not checked, gradients run in eval. */
  stochastic?: boolean;
  /** Custom input (e.g. positive values). Default `rng.normalTensor(inputShape)`. */
  input?: (rng: Rng) => Tensor;
  /** Rebuilds a module from `toConfig()`. Default `new (layer.constructor)(config.config)`. */
  fromConfig?: (config: ModuleConfig) => Module;
  /** The gradient w.r.t. the input must be non-zero (false for e.g. a constant output). Default true. */
  inputGrad?: boolean;
  /**
   * Compare analytic gradients with central differences on cpu, at a few elements of the input
   * and of each parameter (float32: eps 3e-3, tolerance 2e-2·(1 + |g|)). Default true.
   */
  gradCheck?: boolean;
}

/** One conformance check: a title and an async body that throws on failure. */
export interface LayerCheck {
  title: (spec: TestLayerSpec) => string;
  /** Backends it runs on (default all); elsewhere `testLayer` registers it as skipped, with `skipReason`. */
  only?: (spec: TestLayerSpec, backend: string) => boolean;
  /** Why the check does not run where `only` says no: shown in the skipped test's title. */
  skipReason?: (spec: TestLayerSpec, backend: string) => string;
  run: (spec: TestLayerSpec, backend: string) => Promise<void>;
}

const input = (spec: TestLayerSpec) =>
  spec.input ? spec.input(new Rng(7)) : new Rng(7).normalTensor(spec.inputShape);
const weightsFor = (y: Tensor) => new Rng(11).normalTensor(y.shape);
const lossOf = (m: Module, x: Tensor, r: Tensor): Scalar => sum(mul(m.call(x), r));

/**
 * True when two results of the same computation on one backend agree: bit-equal on cpu and wasm;
 * within 1e-5·max(1, |b|) on webgpu, which may run a small op on the CPU once and on the GPU the
 * next time (its hand-off for data still on the host).
 */
async function same(a: Tensor, b: Tensor, backend: string): Promise<boolean> {
  const [va, vb] = [await a.data(), await b.data()];
  let scale = 1;
  for (const v of vb) scale = Math.max(scale, Math.abs(v));
  return maxAbsDiff(va, vb) <= (backend === 'webgpu' ? 1e-5 : 0) * scale;
}

/** Builds the layer and its input, runs `fn`, disposes both. */
async function withLayer(spec: TestLayerSpec, fn: (m: Module, x: Tensor) => Promise<void>): Promise<void> {
  const m = spec.make(new Rng(1));
  const x = input(spec);
  try {
    await fn(m, x);
  } finally {
    x.dispose();
    m.dispose();
  }
}

/** The loss weights `r` for `Σ y·r`, from one forward pass. */
function lossWeights(m: Module, x: Tensor): Tensor {
  const y = m.call(x);
  const r = weightsFor(y);
  y.dispose();
  return r;
}

export const outputShape: LayerCheck = {
  title: () => 'output shape, dtype, finite values',
  run: (spec) =>
    withLayer(spec, async (m, x) => {
      const y = m.call(x);
      expect(y.shape).toEqual(spec.expectedOutputShape);
      expect(y.dtype).toBe('float32');
      expect((await y.data()).every(Number.isFinite), 'finite output').toBe(true);
      y.dispose();
    }),
};

export const parameterCount: LayerCheck = {
  title: () => 'parameter count',
  run: (spec) =>
    withLayer(spec, async (m) => {
      expect(m.numParameters()).toBe(spec.expectedParams);
      expect(m.trainableParameters().length).toBe(m.parameters().length);
    }),
};

export const trainEval: LayerCheck = {
  title: (spec) => (spec.trainEvalDiffer ? 'train and eval outputs differ' : 'train and eval outputs agree'),
  run: (spec, backend) =>
    withLayer(spec, async (m, x) => {
      const yTrain = m.train().call(x);
      const yEval = m.eval().call(x);
      const yEval2 = m.call(x);
      expect(await same(yEval, yEval2, backend), 'eval is deterministic').toBe(true);
      expect(await same(yTrain, yEval, backend), 'train output equals eval output').toBe(
        !spec.trainEvalDiffer,
      );
      dispose([yTrain, yEval, yEval2]);
    }),
};

export const gradientFlow: LayerCheck = {
  title: () => 'gradients reach every trainable parameter and the input (finite, non-zero)',
  run: (spec) =>
    withLayer(spec, async (m, x) => {
      if (spec.stochastic) m.eval();
      const r = lossWeights(m, x);
      const names = m.namedParameters().map(([n]) => n);
      if (names.length > 0) {
        const { loss, grads } = valueAndGrads(m, () => lossOf(m, x, r));
        expect(Object.keys(grads).sort(), 'parameters with a gradient').toEqual([...names].sort());
        for (const [name, g] of Object.entries(grads)) {
          const v = await g.data();
          expect(v.every(Number.isFinite), `${name}: finite`).toBe(true);
          expect(
            v.some((e) => e !== 0),
            `${name}: non-zero`,
          ).toBe(true);
        }
        dispose([loss, grads]);
      }
      const gx = grad((xi: Tensor) => lossOf(m, xi, r))(x);
      const v = await gx.data();
      expect(gx.shape).toEqual(x.shape);
      expect(v.every(Number.isFinite), 'input gradient finite').toBe(true);
      if (spec.inputGrad ?? true)
        expect(
          v.some((e) => e !== 0),
          'input gradient non-zero',
        ).toBe(true);
      dispose([gx, r]);
    }),
};

export const numericGradients: LayerCheck = {
  title: () => 'gradients match central differences',
  only: (spec, backend) => (spec.gradCheck ?? true) && backend === 'cpu',
  skipReason: (spec, backend) =>
    spec.gradCheck === false
      ? 'the spec sets gradCheck: false'
      : `run once, on cpu, not ${backend}: hundreds of forward passes; gradient flow is checked on every backend`,
  run: (spec) =>
    withLayer(spec, async (m, x) => {
      if (spec.stochastic) m.eval();
      const r = lossWeights(m, x);
      // cpu only: dataSync is fine there.
      const f = (xi: Tensor) => tidy(() => lossOf(m, xi, r).dataSync()[0]);
      const gx = grad((xi: Tensor) => lossOf(m, xi, r))(x);
      checkNumeric('input', x.dataSync(), gx.dataSync(), (values) => {
        const xi = tensor(values, x.shape);
        const out = f(xi);
        xi.dispose();
        return out;
      });
      gx.dispose();
      if (m.trainableParameters().length > 0) {
        const { loss, grads } = valueAndGrads(m, () => lossOf(m, x, r));
        for (const [name, p] of m.namedParameters()) {
          const original = p.dataSync().slice();
          try {
            checkNumeric(name, original, grads[name].dataSync(), (values) => {
              assignValues(p, values);
              return f(x);
            });
          } finally {
            assignValues(p, original);
          }
        }
        dispose([loss, grads]);
      }
      r.dispose();
    }),
};

export const stateDictRoundTrip: LayerCheck = {
  title: () => 'state dict round trip: a fresh module loaded with the state computes the same',
  run: (spec, backend) =>
    withLayer(spec, async (m, x) => {
      perturb(m);
      const fresh = spec.make(new Rng(2));
      try {
        expect(Object.keys(fresh.stateDict()).sort()).toEqual(Object.keys(m.stateDict()).sort());
        fresh.loadStateDict(m.stateDict());
        for (const [k, v] of Object.entries(m.stateDict())) {
          expect(maxAbsDiff(await fresh.stateDict()[k].data(), await v.data()), k).toBe(0);
        }
        for (const mode of spec.stochastic ? [false] : [true, false]) {
          m.train(mode);
          fresh.train(mode);
          const a = m.call(x);
          const b = fresh.call(x);
          expect(await same(a, b, backend), mode ? 'train' : 'eval').toBe(true);
          dispose([a, b]);
        }
      } finally {
        fresh.dispose();
      }
    }),
};

export const configRoundTrip: LayerCheck = {
  title: () => 'config round trip: JSON-safe, rebuilds an equal module',
  run: (spec, backend) =>
    withLayer(spec, async (m, x) => {
      const config = m.toConfig();
      expect(JSON.parse(JSON.stringify(config)), 'toConfig() is JSON-safe').toEqual(config);
      const copy = JSON.parse(JSON.stringify(config)) as ModuleConfig;
      const rebuilt = spec.fromConfig
        ? spec.fromConfig(copy)
        : new (m.constructor as new (config: unknown) => Module)(copy.config);
      try {
        expect(rebuilt.toConfig()).toEqual(config);
        expect(rebuilt.className).toBe(m.className);
        expect(rebuilt.numParameters()).toBe(m.numParameters());
        rebuilt.loadStateDict(m.stateDict());
        m.eval();
        rebuilt.eval();
        const a = m.call(x);
        const b = rebuilt.call(x);
        expect(await same(a, b, backend), 'rebuilt module computes the same').toBe(true);
        dispose([a, b]);
      } finally {
        rebuilt.dispose();
      }
    }),
};

export const noLeak: LayerCheck = {
  title: () => 'no tensor leak over repeated forward/backward, none after dispose',
  run: async (spec) => {
    const before = memory().numTensors;
    const m = spec.make(new Rng(1));
    const x = input(spec);
    if (spec.stochastic) m.eval();
    const r = lossWeights(m, x);
    const step = () => {
      const y = m.call(x);
      y.dispose();
      if (m.trainableParameters().length > 0) {
        const { loss, grads } = valueAndGrads(m, () => lossOf(m, x, r));
        dispose([loss, grads]);
      }
      const gx = grad((xi: Tensor) => lossOf(m, xi, r))(x);
      gx.dispose();
    };
    step();
    const settled = memory().numTensors;
    for (let i = 0; i < 5; i++) step();
    expect(memory().numTensors - settled, 'tensors leaked by 5 forward/backward steps').toBe(0);
    dispose([x, r]);
    m.dispose();
    expect(memory().numTensors - before, 'tensors left after dispose').toBe(0);
  },
};

/** Every check `testLayer` runs, in order. */
export const layerChecks: LayerCheck[] = [
  outputShape,
  parameterCount,
  trainEval,
  gradientFlow,
  numericGradients,
  stateDictRoundTrip,
  configRoundTrip,
  noLeak,
];

/** Adds a deterministic, positive-leaning change to every parameter and buffer: `v·(1 + 0.1u) + 0.01u'`. */
function perturb(m: Module): void {
  const rng = new Rng(5);
  for (const [, v] of [...m.namedParameters(), ...m.namedBuffers()]) {
    const next = tidy(() =>
      add(mul(v, add(scalar(1), rng.uniformTensor(v.shape, 0, 0.1))), rng.uniformTensor(v.shape, 0, 0.01)),
    );
    v.assign(next);
    next.dispose();
  }
}

function assignValues(v: Variable, values: ArrayLike<number>): void {
  const t = tensor(Array.from(values), v.shape, 'float32');
  v.assign(t);
  t.dispose();
}

/**
 * Central differences at up to 6 evenly spread elements (float32: eps 3e-3, tolerance
 * 2e-2·(1 + |g|)). When the central difference disagrees, a kink (ReLU at 0, a max-pool tie) lies
 * within ±eps if the one-sided slopes differ; the analytic value must then match one of them.
 */
function checkNumeric(
  what: string,
  values: ArrayLike<number>,
  analytic: ArrayLike<number>,
  f: (values: Float32Array) => number,
): void {
  const eps = 3e-3;
  const n = values.length;
  const probes = [
    ...new Set(Array.from({ length: Math.min(6, n) }, (_, i) => Math.floor(((i + 0.5) * n) / 6))),
  ];
  const work = Float32Array.from(values);
  const f0 = f(work);
  for (const i of probes) {
    const v = values[i];
    work[i] = v + eps;
    const up = f(work);
    work[i] = v - eps;
    const down = f(work);
    work[i] = v;
    const g = analytic[i];
    const tol = 2e-2 * (1 + Math.abs(g));
    const central = (up - down) / (2 * eps);
    const forward = (up - f0) / eps;
    const backward = (f0 - down) / eps;
    const kink = Math.abs(forward - backward) > tol;
    const ok =
      Math.abs(central - g) <= tol ||
      (kink && (Math.abs(forward - g) <= tol || Math.abs(backward - g) <= tol));
    expect(ok, `${what}[${i}]: analytic ${g}, numeric ${central} (one-sided ${forward} / ${backward})`).toBe(
      true,
    );
  }
}
