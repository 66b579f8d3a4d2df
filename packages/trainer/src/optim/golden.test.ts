import { describeEachBackend, expectClose } from '@convkit/backend/testing';
import { dispose, memory, type Tensor, tensor } from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { caseParams, golden, type OptimizerCase, paramName } from '../test-helpers';
import type { Optimizer } from './optimizer';
import { createOptimizerRegistry } from './registry';

const registry = createOptimizerRegistry();
// PyTorch ran in float64; ours is float32 through five steps.
const tolerance = { rtol: 2e-5, atol: 2e-6 };

function build(c: OptimizerCase, params: ReturnType<typeof caseParams>, fused: boolean): Optimizer {
  const input =
    c.groups === null
      ? params
      : c.groups.map((g) => ({ params: g.params.map((i) => params[i]), ...g.options }));
  return registry.create(c.optimizer, input, { ...c.options, fused });
}

/** Replays a case's steps and compares the parameters after each one and the final state. */
async function replay(c: OptimizerCase, fused: boolean): Promise<void> {
  const params = caseParams(c);
  const opt = build(c, params, fused);
  for (const [t, step] of c.steps.entries()) {
    step.lr?.forEach((lr, i) => {
      opt.paramGroups[i].lr = lr;
    });
    const grads: Record<string, Tensor> = {};
    step.grads.forEach((g, i) => {
      if (g !== null) grads[paramName(i)] = tensor(g, c.shapes[i]);
    });
    opt.step(grads);
    dispose(Object.values(grads));
    for (const [i, [name, v]] of params.entries()) {
      await expectClose(v, step.params[i], tolerance, `${c.name}: ${name} after step ${t + 1}`);
    }
  }
  const { state } = opt.stateDict();
  expect(Object.keys(state).sort()).toEqual(Object.keys(c.state).map((i) => paramName(Number(i))));
  for (const [i, entry] of Object.entries(c.state)) {
    const ours = state[paramName(Number(i))];
    expect(Object.keys(ours).sort(), `${c.name}: state keys of p${i}`).toEqual(Object.keys(entry).sort());
    for (const [k, v] of Object.entries(entry)) {
      if (typeof v === 'number') expect(ours[k], `${c.name}: p${i}.${k}`).toBe(v);
      else await expectClose(ours[k] as Tensor, v, tolerance, `${c.name}: p${i}.${k}`);
    }
  }
  opt.dispose();
  dispose(params.map(([, v]) => v));
}

describeEachBackend('optimizers match torch.optim', (backend) => {
  const paths = backend === 'webgpu' ? [true, false] : [false];
  for (const fused of paths) {
    const how = backend === 'webgpu' ? (fused ? ' (fused kernel)' : ' (composed ops)') : '';
    it(`${golden.optimizers.length} cases over ${golden.optimizers[0].steps.length} steps${how}, no tensor left behind`, async () => {
      const before = memory().numTensors;
      for (const c of golden.optimizers) await replay(c, fused);
      expect(memory().numTensors).toBe(before);
    });
  }
});
