import { Rng } from '@convkit/backend';
import { describeEachBackend } from '@convkit/backend/testing';
import { testLayer } from '@convkit/core/testing';
import { dispose, grad, memory, ones, sum, type Tensor, tensor } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { Dropout } from './dropout';

const mean = (v: ArrayLike<number>) => Array.from(v).reduce((s, e) => s + e, 0) / v.length;

describeEachBackend('Dropout', () => {
  for (const scaling of ['inverted', 'test-time'] as const) {
    it(`${scaling}: E[train output] equals the eval output (statistical, 200k units)`, async () => {
      const before = memory().numTensors;
      const p = 0.3;
      const drop = new Dropout({ p, scaling, rng: 1 });
      const x = ones([200, 1000]);
      const yTrain = drop.train().call(x);
      const yEval = drop.eval().call(x);
      const train = await yTrain.data();
      const evalValues = await yEval.data();
      // Inverted: kept units are 1/(1−p), eval is x; test-time: kept units are 1, eval is (1−p)·x.
      const kept = scaling === 'inverted' ? 1 / (1 - p) : 1;
      expect(new Set(Array.from(train, (v) => Math.fround(v))).size).toBe(2);
      expect(train.every((v) => v === 0 || Math.abs(v - kept) < 1e-6)).toBe(true);
      const zeros = train.filter((v) => v === 0).length / train.length;
      expect(Math.abs(zeros - p)).toBeLessThan(0.005); // std of the rate: sqrt(p(1−p)/n) ≈ 0.001
      expect(Math.abs(mean(train) - mean(evalValues))).toBeLessThan(0.01);
      expect(mean(evalValues)).toBeCloseTo(scaling === 'inverted' ? 1 : 1 - p, 6);
      dispose([x, yTrain, yEval]);
      expect(memory().numTensors).toBe(before);
    });
  }

  it('same seed, same mask; the mask is the one drawn in JS (same on every backend)', async () => {
    const x = tensor(
      Array.from({ length: 64 }, (_, i) => i + 1),
      [4, 16],
    );
    const [a, b, c] = [1, 1, 2].map((seed) => new Dropout({ p: 0.5, rng: seed }).call(x));
    const va = await a.data();
    expect(Array.from(va)).toEqual(Array.from(await b.data()));
    expect(Array.from(va)).not.toEqual(Array.from(await c.data()));
    const rng = new Rng(1);
    const expected = Array.from({ length: 64 }, (_, i) => (rng.uniform() < 0.5 ? 2 * (i + 1) : 0));
    expect(Array.from(va)).toEqual(expected);
    dispose([x, a, b, c]);
  });

  it('the gradient is the mask: zero where dropped, the kept scale elsewhere', async () => {
    const x = tensor([1, 2, 3, 4, 5, 6, 7, 8], [2, 4]);
    const gx = grad((xi: Tensor) => sum(new Dropout({ p: 0.5, rng: 3 }).call(xi)))(x);
    const y = new Dropout({ p: 0.5, rng: 3 }).call(x);
    const [gv, yv, xv] = [await gx.data(), await y.data(), await x.data()];
    expect(Array.from(gv)).toEqual(Array.from(yv, (v, i) => v / xv[i]));
    expect(gv.some((v) => v === 0) && gv.some((v) => v === 2)).toBe(true);
    dispose([x, gx, y]);
  });

  it('p = 0 is the identity; p = 1 drops everything in training', async () => {
    const x = tensor([1, -2, 3, 4], [2, 2]);
    const values = async (m: Dropout) => Array.from(await m.call(x).data());
    expect(await values(new Dropout({ p: 0 }))).toEqual([1, -2, 3, 4]);
    expect(await values(new Dropout({ p: 0, scaling: 'test-time' }).eval())).toEqual([1, -2, 3, 4]);
    expect((await values(new Dropout({ p: 1 }))).every((v) => v === 0)).toBe(true);
    expect((await values(new Dropout({ p: 1, scaling: 'test-time' }))).every((v) => v === 0)).toBe(true);
    expect(await values(new Dropout({ p: 1 }).eval())).toEqual([1, -2, 3, 4]);
    expect((await values(new Dropout({ p: 1, scaling: 'test-time' }).eval())).every((v) => v === 0)).toBe(
      true,
    );
    x.dispose();
  });
});

describe('Dropout options', () => {
  it('rejects p outside [0, 1] and unknown scalings', () => {
    for (const p of [-0.1, 1.5, Number.NaN]) {
      expect(() => new Dropout({ p })).toThrow('Dropout: p must be a probability in [0, 1]');
    }
    expect(() => new Dropout({ scaling: 'train' as never })).toThrow(
      "scaling must be 'inverted' or 'test-time'",
    );
  });

  it('config keeps a numeric seed, not a generator', () => {
    expect(new Dropout({ p: 0.2, rng: 7 }).toConfig()).toEqual({
      className: 'Dropout',
      config: { p: 0.2, scaling: 'inverted', rng: 7 },
    });
    expect(new Dropout({ rng: new Rng(7) }).toConfig().config).toEqual({ p: 0.5, scaling: 'inverted' });
  });
});

for (const scaling of ['inverted', 'test-time'] as const) {
  testLayer({
    name: `Dropout p=0.4 ${scaling}`,
    make: (rng) => new Dropout({ p: 0.4, scaling, rng }),
    inputShape: [4, 5, 5, 3],
    expectedOutputShape: [4, 5, 5, 3],
    expectedParams: 0,
    trainEvalDiffer: true,
    stochastic: true,
  });
}
