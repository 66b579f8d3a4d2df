import { describeEachBackend } from '@convkit/backend/testing';
import { testLayer } from '@convkit/core/testing';
import { dispose, ones, tensor } from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { SpatialDropout2d } from './spatial-dropout';

describeEachBackend('SpatialDropout2d', () => {
  it('drops whole channels of each sample, scales the kept ones by 1/(1−p)', async () => {
    const [n, h, w, c] = [64, 3, 4, 8];
    const drop = new SpatialDropout2d({ p: 0.25, rng: 4 });
    const x = ones([n, h, w, c]);
    const y = drop.call(x);
    const v = await y.data();
    let dropped = 0;
    for (let s = 0; s < n; s++) {
      for (let ch = 0; ch < c; ch++) {
        const at = (i: number, j: number) => v[((s * h + i) * w + j) * c + ch];
        const first = at(0, 0);
        expect(first === 0 || Math.abs(first - 4 / 3) < 1e-6).toBe(true);
        for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) expect(at(i, j)).toBe(first);
        if (first === 0) dropped++;
      }
    }
    // 512 channel draws: the drop rate is 0.25 ± 0.02 (1 std); allow 4 std.
    expect(Math.abs(dropped / (n * c) - 0.25)).toBeLessThan(0.08);
    const yEval = drop.eval().call(x);
    expect((await yEval.data()).every((e) => e === 1)).toBe(true);
    dispose([x, y, yEval]);
  });

  it('expects NHWC input and a probability', () => {
    const x = tensor([1, 2, 3], [1, 3]);
    expect(() => new SpatialDropout2d().call(x)).toThrow('SpatialDropout2d: expected input [N, H, W, C]');
    expect(() => new SpatialDropout2d({ p: 2 })).toThrow('p must be a probability in [0, 1], got 2');
    x.dispose();
  });
});

testLayer({
  name: 'SpatialDropout2d p=0.5',
  make: (rng) => new SpatialDropout2d({ p: 0.5, rng }),
  inputShape: [4, 3, 3, 6],
  expectedOutputShape: [4, 3, 3, 6],
  expectedParams: 0,
  trainEvalDiffer: true,
  stochastic: true,
});
