import { describeEachBackend, expectClose, useBackend } from '@convkit/backend/testing';
import { dispose, memory, type Tensor, tensor } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { clipGradNorm, clipGradValue } from './clip';
import { golden } from './test-helpers';

const SHAPES = [[3, 4], [5], [2, 2, 2, 3]];
const gradsOf = (values: number[][]) =>
  Object.fromEntries(values.map((v, i) => [`p${i}`, tensor(v, SHAPES[i])])) as Record<string, Tensor>;

describeEachBackend('clipGradNorm and clipGradValue match torch.nn.utils', () => {
  for (const c of golden.clipGradNorm) {
    it(`clip_grad_norm_: ${c.name}`, async () => {
      const before = memory().numTensors;
      const grads = gradsOf(c.grads);
      const normType = c.normType === 'Infinity' ? Number.POSITIVE_INFINITY : c.normType;
      const { grads: clipped, totalNorm } = clipGradNorm(grads, c.maxNorm, { normType });
      await expectClose(totalNorm, [c.totalNorm], { rtol: 1e-5, atol: 0 }, `${c.name}: total norm`);
      for (const [i, expected] of c.clipped.entries()) {
        await expectClose(clipped[`p${i}`], expected, { rtol: 1e-5, atol: 1e-6 }, `${c.name}: p${i}`);
      }
      expect(Object.values(grads).every((g) => g.isDisposed)).toBe(true);
      dispose([...Object.values(clipped), totalNorm]);
      expect(memory().numTensors).toBe(before);
    });
  }

  it('clip_grad_value_', async () => {
    const { clipValue, grads, clipped } = golden.clipGradValue;
    const out = clipGradValue(gradsOf(grads), clipValue);
    for (const [i, expected] of clipped.entries()) {
      expect(Array.from(await out[`p${i}`].data())).toEqual(expected.map(Math.fround)); // exact
    }
    dispose(Object.values(out));
  });

  it('no gradients: total norm 0', async () => {
    const { grads, totalNorm } = clipGradNorm({}, 1);
    expect(grads).toEqual({});
    expect(Array.from(await totalNorm.data())).toEqual([0]);
    totalNorm.dispose();
  });

  it('a NaN norm scales by NaN as PyTorch (not a silently unclipped step)', async () => {
    const g = { a: tensor([1, Number.NaN, 3]), b: tensor([2]) };
    const { grads, totalNorm } = clipGradNorm(g, 1);
    expect((await totalNorm.data())[0]).toBeNaN();
    expect(Array.from(await grads.b.data())).toEqual([Number.NaN]);
    dispose([grads.a, grads.b, totalNorm]);
  });
});

describe('clipGradNorm checks', () => {
  useBackend('cpu');

  it('checks its arguments', () => {
    const g = { a: tensor([1]) };
    expect(() => clipGradNorm(g, -1)).toThrow(/clipGradNorm: maxNorm must be >= 0, got -1/);
    expect(() => clipGradNorm(g, 1, { normType: 0 })).toThrow(
      /normType must be a number > 0 or Infinity, got 0/,
    );
    expect(() => clipGradValue(g, Number.NaN)).toThrow(
      /clipGradValue: clipValue must be a finite number >= 0, got NaN/,
    );
    g.a.dispose();
  });
});
