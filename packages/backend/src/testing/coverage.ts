import {
  dispose,
  engine,
  getBackend,
  getGradient,
  getKernel,
  grad,
  memory,
  mul,
  profile,
  type Scalar,
  sum,
  type Tensor,
  tidy,
  type Variable,
  variableGrads,
} from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../init-backend';
import { Rng } from '../random';
import { describeEachBackend } from './backends';

/**
 * What the coverage harness needs of a layer: `@convkit/core`'s `Module` fits (declared here, by
 * shape, because the backend package sits below core).
 */
export interface CoverageModule {
  call(x: Tensor): Tensor;
  train(mode?: boolean): unknown;
  trainableParameters(): Variable[];
  toConfig(): { className: string };
  dispose(): void;
}

/** What one run used: kernels by name, as the active backend dispatched them. */
export interface KernelUsage {
  /** Every kernel run, forward and backward. */
  kernels: Set<string>;
  /** Kernels taped on a path from an input or parameter to the loss: they need a gradient. */
  differentiable: Set<string>;
  /** Why the run (forward or backward) threw, if it did. */
  error?: string;
}

/** Records the taped kernels connecting `xs` to `y`; call it inside a gradient function. */
export type Taped = (xs: Tensor[], y: Tensor) => void;

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

/**
 * Runs `run` under tfjs `profile()` on the active backend and returns the kernels it used. Inside
 * a gradient function, `taped(xs, y)` marks the kernels between `xs` and `y` as differentiable.
 * Tensors `run` creates are disposed; an exception is caught into `error`.
 *
 * @example
 * const usage = await kernelUsage((taped) => {
 *   grad((x: Tensor) => { const y = sum(relu(x)); taped([x], y); return y; })(x);
 * });
 */
export async function kernelUsage(run: (taped: Taped) => void): Promise<KernelUsage> {
  const usage: KernelUsage = { kernels: new Set(), differentiable: new Set() };
  const info = await profile(() => {
    try {
      tidy(() => {
        run((xs, y) => {
          for (const name of tapedPath(xs, y)) usage.differentiable.add(name);
        });
      });
    } catch (err) {
      usage.error = err instanceof Error ? err.message : String(err);
    }
    return [];
  });
  // A customGrad node is profiled under its scope name, not a kernel: keep real kernels only.
  const backend = getBackend();
  for (const name of info.kernelNames) if (getKernel(name, backend)) usage.kernels.add(name);
  for (const name of [...usage.differentiable])
    if (!getKernel(name, backend)) usage.differentiable.delete(name);
  return usage;
}

/**
 * Kernels of one forward and backward pass of `module` on a standard normal input of
 * `inputShape`: loss `Σ y·r` (fixed random `r`), gradients to the input and to every trainable
 * parameter. `train` (default true) sets the mode first, so dropout masks and batch statistics run.
 */
export async function layerKernelUsage(
  module: CoverageModule,
  inputShape: number[],
  options: { train?: boolean } = {},
): Promise<KernelUsage> {
  module.train(options.train ?? true);
  const x = new Rng(1).normalTensor(inputShape);
  const y0 = module.call(x);
  const r = new Rng(2).normalTensor(y0.shape);
  y0.dispose();
  const params = module.trainableParameters();
  const usage = await kernelUsage((taped) => {
    const loss = (xi: Tensor): Scalar => {
      const y: Scalar = sum(mul(module.call(xi), r));
      taped([xi, ...params], y);
      return y;
    };
    grad(loss)(x);
    if (params.length > 0) variableGrads(() => loss(x), params);
  });
  dispose([x, r]);
  return usage;
}

/** One case of `testKernelCoverage`: a module (built, run forward and backward, disposed) or a run. */
export type KernelCoverageCase = { name: string } & (
  | { module: () => CoverageModule; input: number[]; train?: boolean }
  | { run: (taped: Taped) => void }
);

export interface KernelCoverageSpec {
  /** Suite title prefix, e.g. `'norms'`. */
  name: string;
  cases: KernelCoverageCase[];
  /** Class names that must each be the top-level class of some module case (e.g. `registry.names()`). */
  classes?: string[];
  /** Check that kernels on differentiable paths have gradients (default true; false for preprocessing). */
  gradients?: boolean;
}

/** Handle to the usages `testKernelCoverage` collects, for extra assertions. */
export interface KernelCoverage {
  /** Usage per case name, collected once on cpu. */
  usages(): Promise<Map<string, KernelUsage>>;
}

/**
 * Registers the kernel coverage tests for a set of cases: kernel names are collected once on cpu
 * (ops pick kernels by name, the same on every backend); then every case must run without error,
 * every kernel on a differentiable path must have a registered gradient, and on every backend of
 * `describeEachBackend` (whose `initBackend` registers that backend's kernels) every kernel used
 * must be registered.
 *
 * @example
 * testKernelCoverage({
 *   name: 'norms',
 *   classes: registerNorms(new ModuleRegistry()).names(),
 *   cases: [{ name: 'BatchNorm2d', module: () => new BatchNorm2d({ numFeatures: 3 }), input: [2, 4, 4, 3] }],
 * });
 */
export function testKernelCoverage(spec: KernelCoverageSpec): KernelCoverage {
  let collected:
    | Promise<{ usages: Map<string, KernelUsage>; classes: Set<string>; leaked: number }>
    | undefined;
  const collect = async () => {
    await initBackend({ backend: 'cpu', strict: true });
    const before = memory().numTensors;
    const usages = new Map<string, KernelUsage>();
    const classes = new Set<string>();
    for (const c of spec.cases) {
      if (usages.has(c.name)) throw new Error(`testKernelCoverage: duplicate case '${c.name}'`);
      if ('run' in c) {
        usages.set(c.name, await kernelUsage(c.run));
        continue;
      }
      let m: CoverageModule | undefined;
      try {
        m = c.module();
        classes.add(m.toConfig().className);
        usages.set(c.name, await layerKernelUsage(m, c.input, { train: c.train }));
      } catch (err) {
        const error = err instanceof Error ? err.message : String(err);
        usages.set(c.name, { kernels: new Set(), differentiable: new Set(), error });
      }
      m?.dispose();
    }
    return { usages, classes, leaked: memory().numTensors - before };
  };
  const get = () => {
    collected ??= collect();
    return collected;
  };
  const usages = async () => (await get()).usages;

  describe(`kernel coverage of ${spec.name}: what it uses`, () => {
    if (spec.classes) {
      const expected = spec.classes;
      it('has a case for every class', async () => {
        const { classes } = await get();
        expect(expected.filter((n) => !classes.has(n))).toEqual([]);
      });
    }

    it('runs every case on cpu, each using some kernel, without leaking tensors', async () => {
      const all = [...(await usages())];
      expect(all.filter(([, u]) => u.error).map(([k, u]) => `${k}: ${u.error}`)).toEqual([]);
      expect(all.filter(([, u]) => u.kernels.size === 0).map(([k]) => k)).toEqual([]);
      expect((await get()).leaked, 'tensors left after every case').toBe(0);
    });

    if (spec.gradients ?? true) {
      it('has a registered gradient for every kernel on a differentiable path', async () => {
        const all = [...(await usages())];
        expect(all.some(([, u]) => u.differentiable.size > 0)).toBe(true);
        const missing = all.flatMap(([k, u]) =>
          [...u.differentiable].filter((name) => !getGradient(name)).map((name) => `${name} (${k})`),
        );
        expect(missing).toEqual([]);
      });
    }
  });

  describeEachBackend(`kernel coverage of ${spec.name}`, (backend) => {
    it(`registers on ${backend} every kernel the cases use`, async () => {
      const all = await usages();
      const names = new Set([...all.values()].flatMap((u) => [...u.kernels]));
      const missing = [...names].filter((name) => !getKernel(name, backend)).sort();
      const user = (name: string) => [...all].find(([, u]) => u.kernels.has(name))?.[0];
      expect(missing.map((name) => `${name} (used by ${user(name)})`)).toEqual([]);
    });
  });

  return { usages };
}
