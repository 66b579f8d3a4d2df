import { AdamUpdate, countLaunches, RmspropUpdate, Rng, SgdUpdate } from '@convkit/backend';
import { describeEachBackend } from '@convkit/backend/testing';
import { clone, dispose, memory, type Tensor, type Variable } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import type { Optimizer } from '../optim/optimizer';
import { createOptimizerRegistry } from '../optim/registry';
import { owned } from '../test-helpers';
import { hasKernel } from './fused';

const registry = createOptimizerRegistry();

/** Each optimizer's variants whose fused kernel differs (bindings or WGSL). */
const VARIANTS: [string, Record<string, unknown>][] = [
  ['SGD', { lr: 0.1 }],
  ['SGD', { lr: 0.1, momentum: 0.9, weightDecay: 1e-4 }],
  ['SGD', { lr: 0.1, momentum: 0.9, nesterov: true }],
  ['Adam', {}],
  ['Adam', { amsgrad: true, weightDecay: 0.1 }],
  ['AdamW', { maximize: true }],
  ['RMSprop', {}],
  ['RMSprop', { centered: true, momentum: 0.9 }],
];

/**
 * Parameters above tfjs-webgpu's CPU hand-off size (1000 elements), below which composed ops on data
 * not yet on the GPU run on the CPU. (The golden tests cover small parameters on the fused path.)
 */
const SHAPES = [[3, 3, 16, 32], [1200], [64, 20]];

function setup(rng: Rng): { params: [string, Variable][]; grads: () => Record<string, Tensor> } {
  const size = (s: number[]) => s.reduce((n, d) => n * d, 1);
  const params = SHAPES.map(
    (s, i) => [`p${i}`, owned(Array.from(rng.fill(size(s), () => rng.normal())), s)] as [string, Variable],
  );
  const grads = () => Object.fromEntries(SHAPES.map((s, i) => [`p${i}`, rng.normalTensor(s)]));
  return { params, grads };
}

/** Runs `steps` steps, returns the GPU launches of each (webgpu) and the final parameter values. */
async function run(
  name: string,
  options: Record<string, unknown>,
  fused: boolean,
  steps: number,
  count: boolean,
) {
  const rng = new Rng(11);
  const { params, grads } = setup(rng);
  const opt: Optimizer = registry.create(name, params, { ...options, fused });
  const launches: number[] = [];
  for (let t = 0; t < steps; t++) {
    const g = grads();
    if (count) launches.push(countLaunches(() => opt.step(g)).launches);
    else opt.step(g);
    dispose(Object.values(g));
  }
  const values = await Promise.all(params.map(async ([, v]) => Array.from(await v.data())));
  opt.dispose();
  dispose(params.map(([, v]) => v));
  return { launches, values };
}

describeEachBackend('fused optimizer updates', (backend) => {
  describe.skipIf(backend === 'webgpu')(
    `without fused update kernels${backend === 'webgpu' ? ' (skipped on webgpu: it has them)' : ''}`,
    () => {
      it('this backend has no fused update kernel: fused and composed are the same ops', async () => {
        expect([SgdUpdate, AdamUpdate, RmspropUpdate].map(hasKernel)).toEqual([false, false, false]);
        const [name, options] = VARIANTS[4];
        const fused = await run(name, options, true, 2, false);
        expect(fused.values).toEqual((await run(name, options, false, 2, false)).values);
      });
    },
  );

  describe.skipIf(backend !== 'webgpu')(
    `with fused update kernels${backend === 'webgpu' ? '' : ` (webgpu only: skipped on ${backend}, which has none)`}`,
    () => {
      it('has the fused kernels', () => {
        expect([SgdUpdate, AdamUpdate, RmspropUpdate].map(hasKernel)).toEqual([true, true, true]);
      });

      for (const [name, options] of VARIANTS) {
        it(`${name} ${JSON.stringify(options)}: one GPU launch per parameter per step (composed: several), same values`, async () => {
          const before = memory().numTensors;
          const fused = await run(name, options, true, 3, true);
          const composed = await run(name, options, false, 3, true);
          expect(fused.launches).toEqual([3, 3, 3]); // the first step too: the state starts as uploaded zeros
          // Composed: 2 (plain SGD) to 13 programs per parameter on the GPU (bench/RESULTS.md).
          for (const [t, n] of composed.launches.entries()) expect(n, `step ${t + 1}`).toBeGreaterThan(3);
          for (const [i, v] of fused.values.entries()) {
            const c = composed.values[i];
            const worst = Math.max(...v.map((x, j) => Math.abs(x - c[j]) / (1e-6 + Math.abs(c[j]))));
            expect(worst, `p${i}`).toBeLessThan(1e-4);
          }
          expect(memory().numTensors).toBe(before);
        });
      }

      describe('writing in place never changes another tensor', () => {
        it('a clone of a parameter or of a state tensor keeps its values', async () => {
          const w = owned([1, 2, 3, 4], [4]);
          const opt = registry.create('Adam', [['w', w]], { lr: 0.1 });
          const g = owned([1, -1, 1, -1], [4]);
          opt.step({ w: g });
          const wBefore = clone(w);
          const mBefore = clone(opt.stateDict().state.w.expAvg as Tensor);
          const wValues = Array.from(await wBefore.data());
          const mValues = Array.from(await mBefore.data());
          opt.step({ w: g });
          expect(Array.from(await wBefore.data())).toEqual(wValues);
          expect(Array.from(await mBefore.data())).toEqual(mValues);
          expect(Array.from(await w.data())).not.toEqual(wValues);
          dispose([w, g, wBefore, mBefore]);
          opt.dispose();
        });

        it('a parameter read back before a step reads its new values after it', async () => {
          const w = owned([1, 2, 3, 4], [4]);
          const opt = registry.create('SGD', [['w', w]], { lr: 1 });
          const g = owned([1, 1, 1, 1], [4]);
          opt.step({ w: g }); // puts w on the GPU
          expect(Array.from(await w.data())).toEqual([0, 1, 2, 3]); // now cached on the CPU by tfjs
          opt.step({ w: g });
          expect(Array.from(await w.data())).toEqual([-1, 0, 1, 2]);
          dispose([w, g]);
        });

        it('a gradient that is the parameter itself is read, not overwritten while read', async () => {
          const w = owned([1, 2, 3, 4], [4]);
          const opt = registry.create('SGD', [['w', w]], { lr: 0.5, momentum: 0.9 });
          opt.step({ w }); // w ← w − 0.5·w
          expect(Array.from(await w.data())).toEqual([0.5, 1, 1.5, 2]);
          opt.dispose();
          w.dispose();
        });
      });
    },
  );
});
