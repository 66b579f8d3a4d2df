import { Rng } from '@convkit/backend';
import { useBackend } from '@convkit/backend/testing';
import {
  add,
  customGrad,
  keep,
  mul,
  scalar,
  type Tensor,
  type Variable,
  variable,
} from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { Linear } from '../layers/linear';
import { Module, type ModuleConfig } from '../module';
import {
  configRoundTrip,
  gradientFlow,
  type LayerCheck,
  layerChecks,
  noLeak,
  numericGradients,
  stateDictRoundTrip,
  type TestLayerSpec,
  trainEval,
} from './layer-checks';

// The harness must catch broken layers: each check is run on a layer with one defect.

class Scale extends Module {
  static readonly className = 'Scale';
  readonly w: Variable;
  constructor(override readonly options: { seed?: number; defect?: string; factor?: number } = {}) {
    super();
    this.w = this.addParameter('w', new Rng(options.seed ?? 0).uniformTensor([3], 0.5, 1.5));
    if (options.defect === 'unused') this.addParameter('unused', new Rng(1).uniformTensor([2]));
  }
  forward(x: Tensor): Tensor {
    const d = this.options.defect;
    if (d === 'leak') keep(add(x, 1));
    if (d === 'mode' && !this.training) return mul(x, this.w);
    if (d === 'wrong-grad') {
      const f = customGrad((a, b) => ({
        value: mul(a as Tensor, b as Tensor),
        gradFunc: (dy) => [mul(dy as Tensor, scalar(2)), mul(dy as Tensor, a as Tensor)],
      }));
      return add(f(this.w, scalar(1)), mul(x, this.w));
    }
    return add(mul(mul(x, this.w), scalar(this.options.factor ?? 1)), d === 'mode' ? scalar(1) : scalar(0));
  }
  override toConfig(): ModuleConfig {
    const { factor, ...rest } = this.options;
    return { className: this.className, config: rest.defect === 'config' ? rest : { ...this.options } };
  }
}

/** Keeps its weight outside the state dict: a loaded copy computes differently. */
class Hidden extends Module {
  private readonly w: Tensor;
  constructor(options: { seed?: number } = {}) {
    super();
    this.w = variable(new Rng(options.seed ?? 0).uniformTensor([3]), false);
    this.addParameter('w2', new Rng(3).uniformTensor([3]));
  }
  forward(x: Tensor): Tensor {
    return mul(x, this.w);
  }
}

const spec = (make: TestLayerSpec['make'], extra: Partial<TestLayerSpec> = {}): TestLayerSpec => ({
  name: 'broken',
  make,
  inputShape: [2, 3],
  expectedOutputShape: [2, 3],
  expectedParams: 3,
  ...extra,
});
const fails = (check: LayerCheck, s: TestLayerSpec, message: RegExp) =>
  expect(check.run(s, 'cpu')).rejects.toThrow(message);

describe('layer checks catch defects', () => {
  useBackend('cpu');

  it('a correct layer passes every check', async () => {
    const good = spec((rng) => new Linear({ inFeatures: 3, outFeatures: 3, rng }), { expectedParams: 12 });
    for (const check of layerChecks) await check.run(good, 'cpu');
  });

  it('a parameter without a gradient', () =>
    fails(
      gradientFlow,
      spec(() => new Scale({ defect: 'unused' })),
      /parameters with a gradient/,
    ));

  it('a wrong gradient', () =>
    fails(
      numericGradients,
      spec(() => new Scale({ defect: 'wrong-grad' })),
      /w\[\d\]: analytic/,
    ));

  it('an undeclared train/eval difference, and a declared one that is missing', async () => {
    await fails(
      trainEval,
      spec(() => new Scale({ defect: 'mode' })),
      /train output equals eval output/,
    );
    await fails(
      trainEval,
      spec(() => new Scale(), { trainEvalDiffer: true }),
      /train output equals eval output/,
    );
  });

  it('state outside the state dict', () =>
    fails(
      stateDictRoundTrip,
      spec((rng) => new Hidden({ seed: rng.int(0, 1000) })),
      /train/,
    ));

  it('a config that does not rebuild the layer', () =>
    fails(
      configRoundTrip,
      spec(() => new Scale({ defect: 'config', factor: 2 })),
      /rebuilt module computes the same/,
    ));

  it('a tensor leak', () =>
    fails(
      noLeak,
      spec(() => new Scale({ defect: 'leak' })),
      /tensors leaked/,
    ));
});
