import { describeEachBackend } from '@convkit/backend/testing';
import { zeros } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { testLayer } from '../testing/test-layer';
import { MaxPool2d } from './max-pool2d';

testLayer({
  name: 'MaxPool2d k3 s2 p1',
  make: () => new MaxPool2d({ kernelSize: 3, stride: 2, padding: 1 }),
  inputShape: [2, 6, 5, 3],
  expectedOutputShape: [2, 3, 3, 3],
  expectedParams: 0,
});

testLayer({
  name: 'MaxPool2d k2 same',
  make: () => new MaxPool2d({ kernelSize: 2, padding: 'same' }),
  inputShape: [1, 5, 5, 2],
  expectedOutputShape: [1, 3, 3, 2],
  expectedParams: 0,
});

describe('MaxPool2d options', () => {
  it('defaults stride to the kernel and rejects padding over half the kernel', () => {
    expect(new MaxPool2d({ kernelSize: [3, 2] }).toConfig().config).toEqual({
      kernelSize: [3, 2],
      stride: [3, 2],
      padding: 0,
      ceilMode: false,
      dilation: 1,
    });
    expect(() => new MaxPool2d({ kernelSize: 2, padding: 2 })).toThrow(/at most half the kernel/);
  });

  it('rounds the output up with ceilMode (numeric padding only)', () => {
    const pool = new MaxPool2d({ kernelSize: 3, stride: 2, ceilMode: true });
    expect(pool.toConfig().config).toMatchObject({ ceilMode: true });
    const x = zeros([1, 6, 7, 1]);
    const y = pool.call(x);
    // floor((6 − 3) / 2) + 1 = 2, ceil → 3; width: 3 either way.
    expect(y.shape).toEqual([1, 3, 3, 1]);
    x.dispose();
    y.dispose();
    expect(() => new MaxPool2d({ kernelSize: 2, padding: 'same', ceilMode: true })).toThrow(
      /ceilMode needs a numeric padding, not 'same'/,
    );
  });

  it('spreads the window with dilation and says so when the input is too small', () => {
    const pool = new MaxPool2d({ kernelSize: 3, dilation: [2, 1] });
    expect(pool.toConfig().config).toMatchObject({ dilation: [2, 1] });
    const x = zeros([1, 4, 6, 1]);
    // The window spans 2·(3 − 1) + 1 = 5 rows: 4 are too few.
    expect(() => pool.call(x)).toThrow(/dilation 2×1/);
    x.dispose();
    expect(() => new MaxPool2d({ kernelSize: 2, dilation: 0 })).toThrow(/dilation must be >= 1/);
  });
});

describeEachBackend('MaxPool2d input errors', () => {
  it('rejects rank 3 and windows larger than the input', () => {
    const pool = new MaxPool2d({ kernelSize: 3 });
    const a = zeros([5, 5, 2]);
    const b = zeros([1, 2, 2, 2]);
    expect(() => pool.call(a)).toThrow(
      /MaxPool2d\(3\): expected input \[N, H, W, C\] \(NHWC\), got \[5, 5, 2\]/,
    );
    expect(() => pool.call(b)).toThrow(
      /MaxPool2d\(3\): input spatial size 2×2 is too small for a 3×3 window/,
    );
    a.dispose();
    b.dispose();
  });
});
