import { describeEachBackend, useBackend } from '@convkit/backend/testing';
import { zeros } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { testLayer } from '../testing/test-layer';
import { Linear } from './linear';

testLayer({
  name: 'Linear 6→4',
  make: (rng) => new Linear({ inFeatures: 6, outFeatures: 4, rng }),
  inputShape: [3, 6],
  expectedOutputShape: [3, 4],
  expectedParams: 6 * 4 + 4,
});

testLayer({
  name: 'Linear 6→4 rank 3, no bias',
  make: (rng) => new Linear({ inFeatures: 6, outFeatures: 4, bias: false, rng }),
  inputShape: [2, 3, 6],
  expectedOutputShape: [2, 3, 4],
  expectedParams: 6 * 4,
});

describe('Linear init', () => {
  useBackend('cpu');

  it('draws weight and bias in ±1/√inFeatures (PyTorch default)', async () => {
    const fc = new Linear({ inFeatures: 16, outFeatures: 32, rng: 3 });
    const w = await fc.weight.data();
    const b = (await fc.bias?.data()) ?? [];
    const bound = 1 / 4;
    expect(fc.weight.shape).toEqual([16, 32]);
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(0.9 * bound);
    expect(Math.max(...Array.from(b, Math.abs))).toBeLessThanOrEqual(bound);
    fc.dispose();
  });
});

describeEachBackend('Linear input errors', () => {
  it('names the layer, expected and received shapes, and hints at Flatten for images', () => {
    const fc = new Linear({ inFeatures: 512, outFeatures: 10 });
    const x = zeros([8, 4, 4, 32]);
    expect(() => fc.call(x)).toThrow(
      'Linear(512→10): expected input [N, 512], got [8, 4, 4, 32] — an image batch? add Flatten() first',
    );
    const v = zeros([512]);
    expect(() => fc.call(v)).toThrow('Linear(512→10): expected input [N, 512], got [512]');
    const wrong = zeros([2, 511]);
    expect(() => fc.call(wrong)).toThrow('Linear(512→10): expected input [N, 512], got [2, 511]');
    for (const t of [x, v, wrong]) t.dispose();
    fc.dispose();
  });
});
