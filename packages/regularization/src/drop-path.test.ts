import { describeEachBackend } from '@convkit/backend/testing';
import { testLayer } from '@convkit/core/testing';
import { dispose, ones } from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { DropPath } from './drop-path';

describeEachBackend('DropPath', () => {
  for (const scaleByKeep of [true, false]) {
    it(`drops whole samples (scaleByKeep ${scaleByKeep}); eval and p = 0 are the identity`, async () => {
      const [n, per] = [400, 12];
      const drop = new DropPath({ p: 0.2, scaleByKeep, rng: 9 });
      const x = ones([n, 2, 2, 3]);
      const y = drop.call(x);
      const v = await y.data();
      const kept = scaleByKeep ? 1 / 0.8 : 1;
      let dropped = 0;
      for (let s = 0; s < n; s++) {
        const sample = Array.from(v.slice(s * per, (s + 1) * per));
        expect(new Set(sample).size).toBe(1);
        expect(sample[0] === 0 || Math.abs(sample[0] - kept) < 1e-6).toBe(true);
        if (sample[0] === 0) dropped++;
      }
      expect(Math.abs(dropped / n - 0.2)).toBeLessThan(0.08); // 4 std of the rate
      const yEval = drop.eval().call(x);
      const yZero = new DropPath({ p: 0 }).call(x);
      for (const t of [yEval, yZero]) expect((await t.data()).every((e) => e === 1)).toBe(true);
      dispose([x, y, yEval, yZero]);
    });
  }
});

testLayer({
  name: 'DropPath p=0.5',
  make: (rng) => new DropPath({ p: 0.5, rng }),
  inputShape: [8, 3, 3, 2],
  expectedOutputShape: [8, 3, 3, 2],
  expectedParams: 0,
  trainEvalDiffer: true,
  stochastic: true,
});
