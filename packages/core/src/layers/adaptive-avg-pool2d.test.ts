import { Rng } from '@convkit/backend';
import { describeEachBackend, expectClose } from '@convkit/backend/testing';
import { mean } from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { testLayer } from '../testing/test-layer';
import { AdaptiveAvgPool2d, GlobalAvgPool2d } from './adaptive-avg-pool2d';

testLayer({
  name: 'AdaptiveAvgPool2d 2 (divisible)',
  make: () => new AdaptiveAvgPool2d({ outputSize: 2 }),
  inputShape: [2, 6, 4, 3],
  expectedOutputShape: [2, 2, 2, 3],
  expectedParams: 0,
});

testLayer({
  name: 'AdaptiveAvgPool2d [3, 2] of 7×5',
  make: () => new AdaptiveAvgPool2d({ outputSize: [3, 2] }),
  inputShape: [1, 7, 5, 2],
  expectedOutputShape: [1, 3, 2, 2],
  expectedParams: 0,
});

testLayer({
  name: 'GlobalAvgPool2d',
  make: () => new GlobalAvgPool2d(),
  inputShape: [2, 5, 3, 4],
  expectedOutputShape: [2, 1, 1, 4],
  expectedParams: 0,
});

describeEachBackend('GlobalAvgPool2d', () => {
  it('is the spatial mean and has its own class name', async () => {
    const x = new Rng(2).normalTensor([2, 3, 3, 5]);
    const pool = new GlobalAvgPool2d();
    const y = pool.call(x);
    const expected = mean(x, [1, 2], true);
    await expectClose(y, expected, { rtol: 1e-5, atol: 1e-6 });
    expect(pool.className).toBe('GlobalAvgPool2d');
    expect(pool.toConfig()).toEqual({ className: 'GlobalAvgPool2d', config: {} });
    expect(new AdaptiveAvgPool2d().toConfig()).toEqual({
      className: 'AdaptiveAvgPool2d',
      config: { outputSize: 1 },
    });
    for (const t of [x, y, expected]) t.dispose();
  });
});
