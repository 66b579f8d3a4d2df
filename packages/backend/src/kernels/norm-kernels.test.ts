import { dispose, engine, getKernel, memory, scalar, type Tensor, tensor } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { Rng } from '../random';
import { describeEachBackend } from '../testing/backends';
import {
  NormApply,
  NormApplyRunning,
  NormInputGrad,
  NormMoments,
  NormParamGrad,
  NormRunningUpdate,
  type NormView,
} from '.';

/** Float64 reference of the kernels for a [P, R, Q, T] view: statistics, x̂, y, dx, dweight, dbias. */
function reference(x: Float32Array, dy: Float32Array, w: Float32Array, view: NormView, eps: number) {
  const [P, R, Q, T] = view;
  const n = R * T;
  const stat = (i: number) => Math.floor(i / (R * Q * T)) * Q + (Math.floor(i / T) % Q);
  const mean = new Float64Array(P * Q);
  const variance = new Float64Array(P * Q);
  x.forEach((v, i) => {
    mean[stat(i)] += v / n;
  });
  x.forEach((v, i) => {
    variance[stat(i)] += (v - mean[stat(i)]) ** 2 / n;
  });
  const inv = (s: number) => 1 / Math.sqrt(variance[s] + eps);
  const xhat = Float64Array.from(x, (v, i) => (v - mean[stat(i)]) * inv(stat(i)));
  const g = Float64Array.from(dy, (d, i) => d * w[i % w.length]);
  const meanG = new Float64Array(P * Q);
  const meanGX = new Float64Array(P * Q);
  g.forEach((v, i) => {
    meanG[stat(i)] += v / n;
    meanGX[stat(i)] += (v * xhat[i]) / n;
  });
  const dx = Float64Array.from(g, (v, i) => (v - meanG[stat(i)] - xhat[i] * meanGX[stat(i)]) * inv(stat(i)));
  const dweight = new Float64Array(w.length);
  const dbias = new Float64Array(w.length);
  dy.forEach((d, i) => {
    dweight[i % w.length] += d * xhat[i];
    dbias[i % w.length] += d;
  });
  return { mean, variance, y: Float64Array.from(xhat, (v, i) => v * w[i % w.length]), dx, dweight, dbias };
}

function close(actual: Float32Array, expected: Float64Array, tol: number, what: string): void {
  const scale = expected.reduce((s, v) => Math.max(s, Math.abs(v)), 0);
  const worst = actual.reduce((m, v, i) => Math.max(m, Math.abs(v - expected[i])), 0);
  expect(worst, `${what}: worst |diff| (scale ${scale})`).toBeLessThanOrEqual(tol * scale + 1e-7);
}

const run = (name: string, inputs: Record<string, Tensor>, attrs: object) =>
  engine().runKernel(name, inputs, attrs as never) as Tensor;

describeEachBackend('fused normalization kernels', (backend) => {
  it(`are registered on webgpu only (${backend})`, () => {
    expect(getKernel(NormMoments, backend) !== undefined).toBe(backend === 'webgpu');
  });
  describe.skipIf(backend !== 'webgpu')(
    `on webgpu${backend === 'webgpu' ? '' : ` (skipped on ${backend}: the kernels are registered on webgpu only)`}`,
    () => {
      const eps = 1e-5;
      // P, Q and T > 1 (GroupNorm's layout), with statistics and parameter sums over more than 64 values
      // (a workgroup per group) and over at most 64 (one invocation per group, 'serial').
      for (const [label, view, mean, std] of [
        ['600 values per statistic', [3, 100, 4, 6], 0.5, 2],
        ['600 values per statistic, mean 1e3, std 1e-2', [3, 100, 4, 6], 1e3, 1e-2],
        ['14 values per statistic', [40, 7, 15, 2], 0.5, 2],
        ['32 values per statistic, 16 rows per parameter', [2, 8, 16, 4], 0.5, 2],
        ['T = 1, 300 values per statistic', [2, 300, 5, 1], -1, 0.5],
      ] as [string, NormView, number, number][]) {
        const size = view.reduce((a, b) => a * b, 1);
        const [P, , Q, T] = view;
        it(`match a float64 reference: ${label}`, async () => {
          const before = memory().numTensors;
          const rng = new Rng(11);
          const x = rng.normalTensor([size], mean, std);
          const dy = rng.normalTensor([size]);
          const weight = rng.normalTensor([Q * T]);
          const [xs, dys, ws] = (await Promise.all([x.data(), dy.data(), weight.data()])) as Float32Array[];
          const ref = reference(xs, dys, ws, view, eps);
          const stats = run(NormMoments, { x }, { view });
          expect(stats.shape).toEqual([P, Q, 3]);
          const s = (await stats.data()) as Float32Array;
          const statMean = Float32Array.from({ length: P * Q }, (_, k) => s[3 * k] + s[3 * k + 1]);
          const statVar = Float32Array.from({ length: P * Q }, (_, k) => s[3 * k + 2]);
          close(statVar, ref.variance, mean === 1e3 ? 1e-3 : 1e-5, 'variance');
          close(statMean, ref.mean, 1e-6, 'mean');
          const outs = {
            y: run(NormApply, { x, stats, weight }, { view, eps }),
            dx: run(NormInputGrad, { dy, x, stats, weight }, { view, eps }),
            dweight: run(NormParamGrad, { dy, x, stats }, { view, eps, which: 'weight', paramSize: Q * T }),
            dbias: run(NormParamGrad, { dy, x, stats }, { view, eps, which: 'bias', paramSize: Q * T }),
          };
          for (const [k, t] of Object.entries(outs)) {
            close((await t.data()) as Float32Array, ref[k as keyof typeof outs], 1e-4, k);
          }
          dispose([x, dy, weight, stats, ...Object.values(outs)]);
          expect(memory().numTensors).toBe(before);
        });
      }

      it('update running statistics as PyTorch: (1 − f)·running + f·batch, unbiased variance', async () => {
        // Two samples (P = 2) of 2 channels: stats hold (shift, residual, variance) per (p, c).
        const stats = tensor([1, 0.5, 4, 2, 0, 9, 3, -0.5, 2, 0, 0, 1], [2, 2, 3]);
        const running = tensor([10, 20]);
        const factor = scalar(0.25);
        const mean = run(NormRunningUpdate, { running, stats, factor }, { which: 'mean', unbiased: 1 });
        const variance = run(NormRunningUpdate, { running, stats, factor }, { which: 'var', unbiased: 2 });
        // batch mean per channel: ((1 + 0.5) + (3 − 0.5)) / 2 = 2 and (2 + 0) / 2 = 1;
        // unbiased variance: (4 + 2) / 2 · 2 = 6 and (9 + 1) / 2 · 2 = 10.
        expect(Array.from(await mean.data())).toEqual([0.75 * 10 + 0.25 * 2, 0.75 * 20 + 0.25 * 1]);
        expect(Array.from(await variance.data())).toEqual([0.75 * 10 + 0.25 * 6, 0.75 * 20 + 0.25 * 10]);
        dispose([stats, running, factor, mean, variance]);
      });

      it('skip the channels whose batch mean or variance is not finite, and count them', async () => {
        // Channel 0 has a NaN shift in sample 1, channel 1 an infinite variance in sample 0; channel 2 is fine.
        const stats = tensor(
          [1, 0, 4, 2, 0, Number.POSITIVE_INFINITY, 3, 0, 1, Number.NaN, 0, 9, 3, -0.5, 2, 5, 0, 1],
          [2, 3, 3],
        );
        const running = tensor([10, 20, 30]);
        const factor = scalar(0.5);
        const count = tensor([2]);
        const mean = run(NormRunningUpdate, { running, stats, factor }, { which: 'mean', unbiased: 2 });
        const variance = run(NormRunningUpdate, { running, stats, factor }, { which: 'var', unbiased: 2 });
        const skipped = run(NormRunningUpdate, { running: count, stats }, { which: 'skipped', unbiased: 2 });
        // Channel 2: batch mean (3 + 5) / 2 = 4, unbiased variance (1 + 1) / 2 · 2 = 2.
        expect(Array.from(await mean.data())).toEqual([10, 20, 0.5 * 30 + 0.5 * 4]);
        expect(Array.from(await variance.data())).toEqual([10, 20, 0.5 * 30 + 0.5 * 2]);
        expect(Array.from(await skipped.data())).toEqual([2 + 2]);
        dispose([stats, running, factor, count, mean, variance, skipped]);
      });

      it('normalize with given statistics per channel (evaluation mode)', async () => {
        // x [2, 2, 3]: channels are the last axis; mean 1e3 + c with std ~1e-2, as running stats might be.
        const xs = [
          1000.01, 1001.02, 1001.97, 999.99, 1000.98, 1002.03, 1000.0, 1001.0, 1002.0, 1000.02, 1001.01,
          1001.99,
        ];
        const x = tensor(xs, [2, 2, 3]);
        const mean = tensor([1000, 1001, 1002]);
        const variance = tensor([1e-4, 4e-4, 9e-4]);
        const weight = tensor([1, 2, -1]);
        const bias = tensor([0, 0.5, 1]);
        const eps = 1e-5;
        const y = run(NormApplyRunning, { x, mean, variance, weight, bias }, { eps });
        const m = [1000, 1001, 1002];
        const v = [1e-4, 4e-4, 9e-4];
        const [w, b] = [
          [1, 2, -1],
          [0, 0.5, 1],
        ];
        // Float64 from the float32 inputs (x − mean is exact in float32 here: Sterbenz).
        const f = (a: number) => Math.fround(a);
        const want = xs.map((xi, i) => {
          const c = i % 3;
          return ((f(xi) - m[c]) / Math.sqrt(f(v[c]) + eps)) * w[c] + b[c];
        });
        const got = Array.from(await y.data());
        got.forEach((g, i) => {
          expect(Math.abs(g - want[i]), `element ${i}`).toBeLessThan(1e-4 * Math.max(1, Math.abs(want[i])));
        });
        const two = tensor([1, 2]);
        expect(() => run(NormApplyRunning, { x, mean, variance: two }, { eps })).toThrow(
          /one value per channel/,
        );
        dispose([x, mean, variance, weight, bias, y, two]);
      });

      it('rejects a bad view or parameter size', () => {
        const x = tensor([1, 2, 3, 4]);
        expect(() => run(NormMoments, { x }, { view: [4] })).toThrow(/view must be \[P, R, Q, T\]/);
        expect(() =>
          run(NormParamGrad, { dy: x, x, stats: x }, { view: [1, 4, 1, 1], which: 'bias', paramSize: 3 }),
        ).toThrow(/paramSize 3 does not divide/);
        x.dispose();
      });
    },
  );
});
