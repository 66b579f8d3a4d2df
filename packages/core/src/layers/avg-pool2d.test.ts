import { describe, expect, it } from 'vitest';
import { testLayer } from '../testing/test-layer';
import { AvgPool2d } from './avg-pool2d';

testLayer({
  name: 'AvgPool2d k3 s2 p1',
  make: () => new AvgPool2d({ kernelSize: 3, stride: 2, padding: 1 }),
  inputShape: [2, 6, 5, 3],
  expectedOutputShape: [2, 3, 3, 3],
  expectedParams: 0,
});

testLayer({
  name: 'AvgPool2d k[2,3] p[1,1] countIncludePad false',
  make: () => new AvgPool2d({ kernelSize: [2, 3], padding: [1, 1], countIncludePad: false }),
  inputShape: [1, 5, 7, 2],
  expectedOutputShape: [1, 3, 3, 2],
  expectedParams: 0,
});

describe('AvgPool2d options', () => {
  it('round-trips countIncludePad and defaults it to true (PyTorch)', () => {
    expect(new AvgPool2d({ kernelSize: 2 }).toConfig().config).toEqual({
      kernelSize: 2,
      stride: 2,
      padding: 0,
      ceilMode: false,
      countIncludePad: true,
    });
  });

  it('keeps divisorOverride in its config and rejects zero', () => {
    expect(new AvgPool2d({ kernelSize: 2, divisorOverride: 3 }).toConfig().config).toMatchObject({
      divisorOverride: 3,
    });
    expect(() => new AvgPool2d({ kernelSize: 2, divisorOverride: 0 })).toThrow(/non-zero number/);
  });
});
