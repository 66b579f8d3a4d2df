import { Rng } from '@convkit/backend';
import { describeEachBackend, expectClose } from '@convkit/backend/testing';
import { memory, type Tensor4D } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { refAdaptiveAvg, refPool2d } from '../testing/reference';
import { type Padding2d, pair, resolvePads } from './padding';
import { adaptiveAvgPool2d, avgPool2d, maxPool2d, poolPads } from './pool';

const pools: {
  name: string;
  x: number[];
  k: number | [number, number];
  s?: number | [number, number];
  p?: Padding2d;
}[] = [
  { name: 'k2', x: [2, 4, 6, 3], k: 2 },
  { name: 'k3 s2 p1', x: [2, 6, 5, 2], k: 3, s: 2, p: 1 },
  { name: 'k[3,2] s[2,1] p[1,1]', x: [1, 5, 4, 2], k: [3, 2], s: [2, 1], p: [1, 1] },
  { name: 'k3 s2 same (asymmetric pad)', x: [1, 6, 6, 2], k: 3, s: 2, p: 'same' },
];

describeEachBackend('pool ops', (backend) => {
  const tol = backend === 'webgpu' ? { rtol: 1e-4, atol: 1e-5 } : { rtol: 1e-6, atol: 1e-6 };
  for (const c of pools) {
    for (const mode of ['max', 'avg', 'avg-exclude'] as const) {
      it(`${mode} ${c.name} matches the loop reference (negative inputs: padding never wins a max)`, async () => {
        const x = new Rng(4).normalTensor(c.x, -3) as Tensor4D;
        const k = pair(c.k);
        const s = pair(c.s ?? c.k);
        const pads = resolvePads(c.p ?? 0, [c.x[1], c.x[2]], k, s);
        const before = memory().numTensors;
        const options = { strides: c.s, padding: c.p };
        const y =
          mode === 'max'
            ? maxPool2d(x, c.k, options)
            : avgPool2d(x, c.k, { ...options, countIncludePad: mode === 'avg' });
        expect(memory().numTensors - before).toBe(1);
        const values = (await x.data()) as Float32Array;
        const ref = refPool2d(values, c.x, k, s, pads, mode === 'max' ? 'max' : 'avg', mode === 'avg');
        expect(y.shape).toEqual(ref.shape);
        await expectClose(y, ref.data, tol, `${mode} ${c.name}`);
        x.dispose();
        y.dispose();
      });
    }
  }

  for (const [shape, size] of [
    [
      [2, 5, 4, 3],
      [1, 1],
    ],
    [
      [1, 6, 4, 2],
      [2, 2],
    ],
    [
      [1, 7, 5, 2],
      [3, 2],
    ],
    [
      [1, 6, 5, 2],
      [3, 2],
    ],
    [
      [1, 3, 5, 2],
      [4, 3],
    ],
  ] as [number[], [number, number]][]) {
    it(`adaptiveAvgPool2d [${shape}] → ${size} matches PyTorch's bins`, async () => {
      const x = new Rng(6).normalTensor(shape) as Tensor4D;
      const before = memory().numTensors;
      const y = adaptiveAvgPool2d(x, size);
      expect(memory().numTensors - before).toBe(1);
      const ref = refAdaptiveAvg((await x.data()) as Float32Array, shape, size);
      expect(y.shape).toEqual(ref.shape);
      await expectClose(y, ref.data, tol);
      x.dispose();
      y.dispose();
    });
  }
});

describe('poolPads', () => {
  it('adds the ceil-mode rows and columns after the bottom/right padding, as PyTorch counts them', () => {
    // 6 + 0 − 3 = 3 over stride 2: floor → 2 windows, ceil → 3, which need one more row.
    expect(poolPads([6, 7], [3, 3], [2, 2], 0, true)).toEqual([
      [0, 1],
      [0, 0],
    ]);
    // 5 + 2 − 2 = 5: ceil(5/2) + 1 = 4, but the 4th window would start in the right padding → 3.
    expect(poolPads([5, 5], [2, 2], [2, 2], 1, true)).toEqual([
      [1, 1],
      [1, 1],
    ]);
    expect(poolPads([6, 7], [3, 3], [2, 2], 0, false)).toEqual([
      [0, 0],
      [0, 0],
    ]);
    expect(() => poolPads([6, 6], [2, 2], [2, 2], 'same', true)).toThrow(/numeric padding/);
  });
});
