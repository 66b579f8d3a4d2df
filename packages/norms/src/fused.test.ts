import { countLaunches, Rng } from '@convkit/backend';
import { describeEachBackend, expectClose } from '@convkit/backend/testing';
import type { Module } from '@convkit/core';
import {
  dispose,
  keep,
  memory,
  mul,
  type Scalar,
  sum,
  type Tensor,
  tensor,
  tidy,
  type Variable,
  variable,
  variableGrads,
} from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { BatchNorm1d, BatchNorm2d } from './batch-norm';
import { GroupNorm } from './group-norm';
import { InstanceNorm2d } from './instance-norm';
import { LayerNorm, LayerNorm2d } from './layer-norm';
import { fusedNormalize, hasFusedNormalize, normView } from './ops/fused';

describe('normView', () => {
  it('lays out every norm’s statistics as [P, R, Q, T]', () => {
    expect(normView([8, 4, 4, 6], [0, 1, 2])).toEqual([1, 128, 6, 1]); // BatchNorm2d
    expect(normView([8, 4, 4, 6], [1, 2])).toEqual([8, 16, 6, 1]); // InstanceNorm2d
    expect(normView([8, 16, 3, 2], [1, 3])).toEqual([8, 16, 3, 2]); // GroupNorm, [N, S, G, C/G]
    expect(normView([8, 4, 4, 6], [1, 2, 3])).toEqual([8, 96, 1, 1]); // LayerNorm [H, W, C]
    expect(normView([8, 4, 4, 6], [-1])).toEqual([128, 6, 1, 1]); // LayerNorm2d
    expect(normView([8, 1, 1, 6], [1, 2])).toEqual([48, 1, 1, 1]); // size-1 axes fit anywhere
  });

  it('refuses axes with no such layout', () => {
    expect(normView([2, 3, 4, 5, 6], [0, 2, 4])).toBeNull();
    expect(normView([2, 3, 4, 5], [0, 2])).toBeNull();
  });
});

type Norm = Module & { weight?: Variable; bias?: Variable; runningMean?: Variable; runningVar?: Variable };

/** A norm built twice, fused and composed, with the same random affine parameters. */
interface Case {
  name: string;
  make: (fused: boolean) => Norm;
  input: number[];
  mean?: number;
  std?: number;
}

const cases: Case[] = [
  { name: 'BatchNorm2d', make: (fused) => new BatchNorm2d({ numFeatures: 6, fused }), input: [4, 5, 7, 6] },
  {
    name: 'BatchNorm2d, 3000 values per channel, mean 1e3 std 1e-2',
    make: (fused) => new BatchNorm2d({ numFeatures: 3, fused }),
    input: [30, 10, 10, 3],
    mean: 1e3,
    std: 1e-2,
  },
  {
    name: 'BatchNorm1d [N, C], momentum null, no affine',
    make: (fused) => new BatchNorm1d({ numFeatures: 5, momentum: null, affine: false, fused }),
    input: [9, 5],
  },
  {
    name: 'InstanceNorm2d affine, tracked',
    make: (fused) => new InstanceNorm2d({ numFeatures: 4, affine: true, trackRunningStats: true, fused }),
    input: [3, 6, 5, 4],
  },
  {
    name: 'GroupNorm(3)',
    make: (fused) => new GroupNorm({ numGroups: 3, numChannels: 12, fused }),
    input: [2, 5, 3, 12],
  },
  {
    name: 'GroupNorm(2), mean 1e3 std 1e-2',
    make: (fused) => new GroupNorm({ numGroups: 2, numChannels: 4, fused }),
    input: [2, 20, 30, 4],
    mean: 1e3,
    std: 1e-2,
  },
  {
    name: 'LayerNorm [H, W, C] without bias',
    make: (fused) => new LayerNorm({ normalizedShape: [3, 4, 5], bias: false, fused }),
    input: [3, 3, 4, 5],
  },
  {
    // 260·260 statistics: more workgroups than WebGPU's 65535 per dimension.
    name: 'LayerNorm2d, 67600 positions',
    make: (fused) => new LayerNorm2d({ numChannels: 2, fused }),
    input: [1, 260, 260, 2],
  },
];

/** y and the gradients of Σ y·r w.r.t. x and the parameters, labelled, in the module's current mode. */
async function pass(m: Norm, x: Variable, r: Tensor, mode: string): Promise<[string, Float32Array][]> {
  const params = [m.weight, m.bias].filter((p): p is Variable => p !== undefined);
  let y: Tensor | undefined;
  const { value, grads } = variableGrads(() => {
    y = keep(m.call(x));
    return sum(mul(y, r)) as Scalar;
  }, [x, ...params]);
  const outs: [string, Tensor][] = [
    [`${mode} y`, y as Tensor],
    [`${mode} dx`, grads[x.name]],
    ...params.map((p): [string, Tensor] => [`${mode} d${p === m.weight ? 'weight' : 'bias'}`, grads[p.name]]),
  ];
  const data = await Promise.all(
    outs.map(async ([k, t]): Promise<[string, Float32Array]> => [k, (await t.data()) as Float32Array]),
  );
  dispose([value, grads, y as Tensor]);
  return data;
}

/**
 * A training pass, a second training step, the running statistics, and (for norms with running
 * statistics) an evaluation pass with them.
 */
async function trainAndEval(m: Norm, x: Variable, r: Tensor): Promise<[string, Float32Array][]> {
  const out = await pass(m, x, r, 'train');
  dispose(m.call(x));
  if (m.runningMean && m.runningVar) {
    out.push(['runningMean', (await m.runningMean.data()) as Float32Array]);
    out.push(['runningVar', (await m.runningVar.data()) as Float32Array]);
    m.eval();
    out.push(...(await pass(m, x, r, 'eval')));
    m.train();
  }
  return out;
}

describeEachBackend('fused normalization', (backend) => {
  it(`exists exactly on webgpu (${backend})`, () => {
    expect(hasFusedNormalize()).toBe(backend === 'webgpu');
    const x = new Rng(1).normalTensor([2, 3]);
    const fused = fusedNormalize(x, [0], 1e-5);
    expect(fused === null, 'fusedNormalize returns null off webgpu').toBe(backend !== 'webgpu');
    dispose([x, ...(fused ? [fused.y, fused.stats] : [])]);
  });

  describe.skipIf(backend !== 'webgpu')(
    `the fused kernels (webgpu only${backend === 'webgpu' ? '' : `: skipped on ${backend}, which has none`})`,
    () => {
      for (const c of cases) {
        it(`equals the composed ops: ${c.name}`, async () => {
          const before = memory().numTensors;
          const rng = new Rng(7);
          const x = tidy(() => variable(rng.normalTensor(c.input, c.mean ?? 0.5, c.std ?? 2)));
          const r = rng.normalTensor(c.input);
          const [fused, composed] = [c.make(true), c.make(false)];
          for (const p of ['weight', 'bias'] as const) {
            const w = rng.normalTensor(fused[p]?.shape ?? [1]);
            fused[p]?.assign(w);
            composed[p]?.assign(w);
            w.dispose();
          }
          // The fused layer really runs the fused kernels: far fewer launches forward.
          const forward = (m: Norm) => {
            const { result, launches } = countLaunches(() => m.call(x));
            result.dispose();
            return launches;
          };
          expect(forward(fused)).toBeLessThan(forward(composed));
          const got = await trainAndEval(fused, x, r);
          const want = await trainAndEval(composed, x, r);
          expect(got.map(([k]) => k)).toEqual(want.map(([k]) => k));
          for (let i = 0; i < want.length; i++) {
            const [what, expected] = want[i];
            const scale = expected.reduce((s, v) => Math.max(s, Math.abs(v)), 0);
            const actual = tensor(got[i][1]);
            await expectClose(
              actual,
              expected,
              { rtol: 1e-4, atol: 2e-5 * scale + 1e-6 },
              `${c.name}: ${what}`,
            );
            actual.dispose();
          }
          if (fused.runningMean) {
            // Evaluation with the running statistics: one launch instead of 4 (no affine) to 6.
            fused.eval();
            composed.eval();
            expect(forward(fused)).toBe(1);
            expect(forward(composed)).toBeGreaterThanOrEqual(4);
          }
          dispose([x, r]);
          fused.dispose();
          composed.dispose();
          expect(memory().numTensors, 'no tensor leak').toBe(before);
        });
      }

      it('BatchNorm2d trains in under a quarter of the composed ops’ GPU launches', () => {
        const rng = new Rng(3);
        const x = tidy(() => variable(rng.normalTensor([8, 8, 8, 16])));
        const launches = (fused: boolean) => {
          const bn = new BatchNorm2d({ numFeatures: 16, fused });
          bn.call(x).dispose(); // warm-up (and the same number of tracked batches)
          const { result, launches } = countLaunches(() =>
            variableGrads(() => sum(bn.call(x)), [x, ...bn.trainableParameters()]),
          );
          dispose([result.value, result.grads]);
          bn.dispose();
          return launches;
        };
        // Both counts include the loss Σ y and its gradient (2 launches: Sum, and dy broadcast to x's shape).
        const fused = launches(true);
        const composed = launches(false);
        // Fused: moments, apply, running mean and var (+ the count, on the CPU at this size) forward;
        // dx, dweight, dbias backward. Composed: 40 for the norm (bench/RESULTS-gpu.md: ~0.2 ms each).
        expect(fused).toBeLessThanOrEqual(2 + 4 + 3);
        expect(composed).toBeGreaterThanOrEqual(4 * fused);
        x.dispose();
      });
    },
  );
});
