import { Rng } from '@convkit/backend';
import { describeEachBackend, expectClose } from '@convkit/backend/testing';
import {
  add,
  dispose,
  grad,
  mean,
  memory,
  mul,
  rsqrt,
  square,
  sub,
  sum,
  type Tensor,
  tidy,
} from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { moments } from './moments';
import { normalize } from './normalize';

/** Float64 reference: per-channel mean, biased variance and standardized values of [rows, C] data. */
function reference(values: Float32Array, channels: number, eps: number) {
  const rows = values.length / channels;
  const mu = new Float64Array(channels);
  const va = new Float64Array(channels);
  for (let i = 0; i < values.length; i++) mu[i % channels] += values[i] / rows;
  for (let i = 0; i < values.length; i++) va[i % channels] += (values[i] - mu[i % channels]) ** 2 / rows;
  const y = Float64Array.from(values, (v, i) => (v - mu[i % channels]) / Math.sqrt(va[i % channels] + eps));
  return { mu, va, y };
}

describeEachBackend('moments / normalize', () => {
  // 32·16·16 = 8192 values per channel around 1e3 with std 1e-2: float32 holds 1e3 to ±3e-5, so
  // E[x²] ≈ 1e6 (ulp 0.06) − E[x]² leaves nothing of the true variance 1e-4.
  const shape = [32, 16, 16, 3];
  const data = () => new Rng(3).normalTensor(shape, 1e3, 1e-2);

  it('large mean, small std: variance and standardized values match float64 (no cancellation)', async () => {
    const before = memory().numTensors;
    const x = data();
    const ref = reference((await x.data()) as Float32Array, 3, 1e-5);
    const m = tidy(() => {
      const s = moments(x, [0, 1, 2]);
      return { mean: s.mean, variance: s.variance };
    });
    const y = normalize(x, [0, 1, 2], 1e-5);
    // The textbook one-pass formula on the same data, to show the test can tell: its error is huge.
    const naive = tidy(() => sub(mean(square(x), [0, 1, 2]), square(mean(x, [0, 1, 2]))));
    try {
      await expectClose(m.variance, ref.va, { rtol: 1e-3 }, 'variance');
      await expectClose(m.mean, ref.mu, { rtol: 1e-7 }, 'mean');
      await expectClose(y, ref.y, { atol: 2e-3 }, 'standardized');
      const worst = Math.max(
        ...Array.from(await naive.data(), (v, c) => Math.abs(v - ref.va[c]) / ref.va[c]),
      );
      expect(worst).toBeGreaterThan(0.5);
    } finally {
      dispose([x, y, naive, m.mean, m.variance]);
    }
    expect(memory().numTensors).toBe(before);
  });

  it('normalize’s closed-form gradient equals autodiff through the formula', async () => {
    const before = memory().numTensors;
    const rng = new Rng(4);
    const x = rng.normalTensor([2, 3, 4, 5], 0.5, 2);
    const r = rng.normalTensor([2, 3, 4, 5]);
    const axes = [1, 2, 3];
    const closedForm = grad((xi: Tensor) => sum(mul(normalize(xi, axes, 1e-5), r)))(x);
    const autodiff = grad((xi: Tensor) => {
      const d = sub(xi, mean(xi, axes, true));
      const y = mul(d, rsqrt(add(mean(square(d), axes, true), 1e-5)));
      return sum(mul(y, r));
    })(x);
    await expectClose(closedForm, autodiff, { rtol: 1e-4, atol: 1e-5 });
    dispose([x, r, closedForm, autodiff]);
    expect(memory().numTensors).toBe(before);
  });
});
