import { Rng } from '@convkit/backend';
import { describeEachBackend, useBackend } from '@convkit/backend/testing';
import { zeros } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { testLayer } from '../testing/test-layer';
import { Conv2d } from './conv2d';

testLayer({
  name: 'Conv2d 3→8 k3 p1',
  make: (rng) => new Conv2d({ inChannels: 3, outChannels: 8, kernelSize: 3, padding: 1, rng }),
  inputShape: [2, 5, 5, 3],
  expectedOutputShape: [2, 5, 5, 8],
  expectedParams: 3 * 3 * 3 * 8 + 8,
});

testLayer({
  name: 'Conv2d 4→6 k[2,3] s2 d[1,2] groups 2, no bias',
  make: (rng) =>
    new Conv2d({
      inChannels: 4,
      outChannels: 6,
      kernelSize: [2, 3],
      stride: 2,
      dilation: [1, 2],
      groups: 2,
      bias: false,
      rng,
    }),
  inputShape: [2, 7, 8, 4],
  expectedOutputShape: [2, 3, 2, 6],
  expectedParams: 2 * 3 * 2 * 6,
});

testLayer({
  name: 'Conv2d depthwise 4→4 k3 same',
  make: (rng) =>
    new Conv2d({ inChannels: 4, outChannels: 4, kernelSize: 3, padding: 'same', groups: 4, rng }),
  inputShape: [1, 6, 6, 4],
  expectedOutputShape: [1, 6, 6, 4],
  expectedParams: 3 * 3 * 1 * 4 + 4,
});

describe('Conv2d init', () => {
  useBackend('cpu');

  it('is PyTorch default: weight and bias in ±1/√fanIn, weight drawn first, reproducible by seed', async () => {
    const a = new Conv2d({ inChannels: 4, outChannels: 8, kernelSize: 3, groups: 2, rng: 9 });
    const b = new Conv2d({ inChannels: 4, outChannels: 8, kernelSize: 3, groups: 2, rng: new Rng(9) });
    const bound = 1 / Math.sqrt(3 * 3 * 2);
    const w = await a.weight.data();
    const bias = await (a.bias?.data() ?? Promise.resolve(new Float32Array()));
    expect(a.weight.shape).toEqual([3, 3, 2, 8]);
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(0.9 * bound);
    expect(Math.max(...bias.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Array.from(await b.weight.data())).toEqual(Array.from(w));
    const rng = new Rng(9);
    const firstDraw = rng.uniform(-bound, bound);
    expect(w[0]).toBeCloseTo(firstDraw, 6);
    // Without an rng each layer draws a fresh seed: two layers of one shape never start equal.
    const c = new Conv2d({ inChannels: 4, outChannels: 8, kernelSize: 3, groups: 2 });
    const d = new Conv2d({ inChannels: 4, outChannels: 8, kernelSize: 3, groups: 2 });
    expect(Array.from(await c.weight.data())).not.toEqual(Array.from(await d.weight.data()));
    for (const m of [a, b, c, d]) m.dispose();
  });

  it('rejects bad options with the layer named', () => {
    expect(() => new Conv2d({ inChannels: 3, outChannels: 8, kernelSize: 3, groups: 2 })).toThrow(
      /Conv2d\(3→8\): groups=2 must divide/,
    );
    expect(() => new Conv2d({ inChannels: 0, outChannels: 8, kernelSize: 3 })).toThrow(
      /inChannels must be a positive/,
    );
    expect(() => new Conv2d({ inChannels: 3, outChannels: 8, kernelSize: 0 })).toThrow(/kernelSize/);
  });
});

describeEachBackend('Conv2d input errors', () => {
  const conv = () => new Conv2d({ inChannels: 3, outChannels: 16, kernelSize: 3 });
  it('flags NCHW input', () => {
    const m = conv();
    const x = zeros([8, 3, 32, 32]);
    expect(() => m.call(x)).toThrow(
      'Conv2d(3→16): expected input [N, H, W, 3] (NHWC), got [8, 3, 32, 32] — looks like NCHW; use transpose(x, [0, 2, 3, 1])',
    );
    x.dispose();
    m.dispose();
  });
  it('flags a wrong rank, a wrong channel count, int input and a too-small image', () => {
    const m = conv();
    const cases: [number[], 'float32' | 'int32', RegExp][] = [
      [[32, 32, 3], 'float32', /got \[32, 32, 3\] \(rank 3, need 4\) — missing the batch axis/],
      [[2, 8, 8, 4], 'float32', /expected input \[N, H, W, 3\] \(NHWC\), got \[2, 8, 8, 4\]$/],
      [[2, 8, 8, 3], 'int32', /expected a float32 input, got int32/],
      [[2, 2, 8, 3], 'float32', /input spatial size 2×8 is too small for a 3×3 kernel/],
    ];
    for (const [shape, dtype, message] of cases) {
      const x = zeros(shape, dtype);
      expect(() => m.call(x)).toThrow(message);
      x.dispose();
    }
    m.dispose();
  });
});
