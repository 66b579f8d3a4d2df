import { Rng, tapeGradients } from '@convkit/backend';
import { describeEachBackend } from '@convkit/backend/testing';
import {
  add,
  customGrad,
  dispose,
  memory,
  mul,
  sum,
  type Tensor,
  type Tensor2D,
  valueAndGrads,
} from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { addBias, addSameShape, sumRows } from './add';

describeEachBackend('addSameShape / addBias', () => {
  it("give add's values and gradients", async () => {
    const rng = new Rng(1);
    const a = rng.normalTensor([2, 3, 4, 5]);
    const b = rng.normalTensor([2, 3, 4, 5]);
    const bias = rng.normalTensor([5]);
    const c = rng.normalTensor([2, 3, 4, 5]);
    const before = memory().numTensors;
    const cases: [(x: Tensor, y: Tensor) => Tensor, Tensor][] = [
      [addSameShape, b],
      [addBias, bias],
    ];
    for (const [ours, second] of cases) {
      const got = valueAndGrads((x: Tensor, y: Tensor) => sum(mul(ours(x, y), c)))([a, second]);
      const want = valueAndGrads((x: Tensor, y: Tensor) => sum(mul(add(x, y), c)))([a, second]);
      expect(await got.value.data()).toEqual(await want.value.data());
      for (let i = 0; i < 2; i++) {
        const g = await (got.grads[i] as Tensor).data();
        const w = await (want.grads[i] as Tensor).data();
        g.forEach((v, j) => {
          expect(v).toBeCloseTo(w[j] as number, 4);
        });
      }
      dispose([got.value, ...got.grads, want.value, ...want.grads]);
    }
    expect(memory().numTensors).toBe(before);
    expect(() => addSameShape(a, bias)).toThrow(/differ/);
    expect(() => addBias(a, b)).toThrow(/must be \[5\]/);
    dispose([a, b, bias, c]);
  });

  // 20,000 rows: 50 windows of 400 on wasm; 20,003 (a prime): no windows, tfjs's Sum.
  for (const rows of [20_000, 20_003]) {
    it(`sumRows sums a conv bias gradient of ${rows} rows as a float64 sum does`, async () => {
      const rng = new Rng(3);
      const x = rng.normalTensor([rows, 16]) as Tensor2D;
      const values = await x.data();
      const want = new Float64Array(16);
      values.forEach((v, i) => {
        want[i % 16] += v;
      });
      const before = memory().numTensors;
      const got = sumRows(x);
      expect(got.shape).toEqual([16]);
      // float32 accumulation over 20,000 terms of size ~1: well under 1e-2 absolute.
      (await got.data()).forEach((v, i) => {
        expect(Math.abs(v - (want[i] as number))).toBeLessThan(1e-2);
      });
      got.dispose();
      expect(memory().numTensors).toBe(before);
      x.dispose();
    });
  }

  it('keep no input alive for backward (a residual sum of two dead activations)', () => {
    const rng = new Rng(2);
    const x = rng.normalTensor([64, 64]);
    // Bytes alive when backward starts (at the probe, the last op): with tfjs's add, 2x and 3x (which
    // no other op saves) are still held by the Add node; with addSameShape they are gone.
    const liveAtStart = (sumOf: (p: Tensor, q: Tensor) => Tensor) => {
      let seen = 0;
      const probe = customGrad((t) => ({
        value: mul(t as Tensor, 1),
        gradFunc: (dy) => {
          seen = memory().numBytes;
          return mul(dy as Tensor, 1);
        },
      }));
      const base = memory().numBytes;
      const { value, grads } = tapeGradients(() => {
        return sum(probe(sumOf(mul(x, 2), mul(x, 3))) as Tensor);
      }, [x]);
      dispose([value, ...(grads as Tensor[])]);
      return (seen - base) / (x.size * 4);
    };
    expect(liveAtStart(add) - liveAtStart(addSameShape)).toBeGreaterThanOrEqual(2);
    x.dispose();
  });
});
