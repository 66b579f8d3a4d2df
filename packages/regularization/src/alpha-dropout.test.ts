import { Rng } from '@convkit/backend';
import { describeEachBackend } from '@convkit/backend/testing';
import { testLayer } from '@convkit/core/testing';
import { dispose } from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { AlphaDropout } from './alpha-dropout';

describeEachBackend('AlphaDropout', () => {
  it('keeps zero mean and unit variance of standard-normal inputs (statistical, 100k units)', async () => {
    const x = new Rng(1).normalTensor([100, 1000]);
    const y = new AlphaDropout({ p: 0.2, rng: 2 }).call(x);
    const v = Array.from(await y.data());
    const m = v.reduce((s, e) => s + e, 0) / v.length;
    const variance = v.reduce((s, e) => s + (e - m) ** 2, 0) / v.length;
    expect(Math.abs(m)).toBeLessThan(0.02);
    expect(Math.abs(variance - 1)).toBeLessThan(0.03);
    dispose([x, y]);
  });
});

testLayer({
  name: 'AlphaDropout p=0.3',
  make: (rng) => new AlphaDropout({ p: 0.3, rng }),
  inputShape: [4, 10],
  expectedOutputShape: [4, 10],
  expectedParams: 0,
  trainEvalDiffer: true,
  stochastic: true,
});
