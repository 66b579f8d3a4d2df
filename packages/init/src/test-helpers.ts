// Helpers for this package's tests (not exported from the package): sample statistics,
// leak-checked draws, and tiny modules implementing the diagnostics' structural interface (init's tests
// stay independent of @convkit/core).
import type { Rng } from '@convkit/backend';
import {
  matMul,
  memory,
  relu,
  type Tensor,
  tanh,
  tidy,
  type Variable,
  variable,
} from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import type { ForwardHook, HookableModule, InspectableModel } from './diagnostics/hookable';

/** Sample mean and (population) standard deviation, accumulated in float64. */
export function sampleStats(data: ArrayLike<number>): {
  mean: number;
  std: number;
  min: number;
  max: number;
} {
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < data.length; i++) {
    sum += data[i];
    if (data[i] < min) min = data[i];
    if (data[i] > max) max = data[i];
  }
  const mean = sum / data.length;
  let sq = 0;
  for (let i = 0; i < data.length; i++) sq += (data[i] - mean) ** 2;
  return { mean, std: Math.sqrt(sq / data.length), min, max };
}

/** Calls `make`, reads the tensor's data, disposes it and checks that no tensor leaked. */
export function draw(make: () => Tensor): { data: Float32Array; shape: number[]; dtype: string } {
  const before = memory().numTensors;
  const t = make();
  const out = { data: t.dataSync() as Float32Array, shape: t.shape, dtype: t.dtype };
  t.dispose();
  expect(memory().numTensors).toBe(before);
  return out;
}

/** A layer with hooks: `call` runs `forward` then the hooks inside `tidy`, like core's Module. */
export abstract class FakeModule implements HookableModule {
  readonly hooks: ForwardHook[] = [];
  abstract readonly className: string;
  abstract forward(x: Tensor): Tensor;

  call(x: Tensor): Tensor {
    return tidy(() => {
      let y = this.forward(x);
      for (const hook of [...this.hooks]) y = hook(this, x, y) ?? y;
      return y;
    });
  }

  registerForwardHook(hook: ForwardHook): () => void {
    this.hooks.push(hook);
    return () => {
      const i = this.hooks.indexOf(hook);
      if (i >= 0) this.hooks.splice(i, 1);
    };
  }

  dispose(): void {}
}

/** `y = x·W`, no bias, `W [in, out]` owned (a variable). */
export class FakeLinear extends FakeModule {
  readonly className = 'FakeLinear';
  readonly weight: Variable;
  constructor(weight: Tensor) {
    super();
    this.weight = variable(weight);
    weight.dispose();
  }
  forward(x: Tensor): Tensor {
    return matMul(x, this.weight);
  }
  override dispose(): void {
    this.weight.dispose();
  }
}

export class FakeReLU extends FakeModule {
  readonly className = 'FakeReLU';
  forward(x: Tensor): Tensor {
    return relu(x);
  }
}

export class FakeTanh extends FakeModule {
  readonly className = 'FakeTanh';
  forward(x: Tensor): Tensor {
    return tanh(x);
  }
}

/** Children named '0', '1', …; itself hookable, so a filter may pick it. */
export class FakeSequential extends FakeModule implements InspectableModel {
  readonly className = 'FakeSequential';
  constructor(readonly layers: FakeModule[]) {
    super();
  }
  forward(x: Tensor): Tensor {
    return this.layers.reduce((y, layer) => layer.call(y), x);
  }
  namedModules(): [string, HookableModule][] {
    return [['', this], ...this.layers.map((l, i): [string, HookableModule] => [String(i), l])];
  }
  override dispose(): void {
    for (const l of this.layers) l.dispose();
  }
}

/** `depth` × (Linear(width→width) with weights from `init`, then `act`). */
export function mlp(
  depth: number,
  width: number,
  init: (shape: number[], rng: Rng) => Tensor,
  act: 'relu' | 'tanh',
  rng: Rng,
): FakeSequential {
  const layers: FakeModule[] = [];
  for (let i = 0; i < depth; i++) {
    layers.push(new FakeLinear(init([width, width], rng)), act === 'relu' ? new FakeReLU() : new FakeTanh());
  }
  return new FakeSequential(layers);
}
