import { describeEachBackend } from '@convkit/backend/testing';
import { zeros } from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { testLayer } from '../testing/test-layer';
import { Flatten } from './flatten';

testLayer({
  name: 'Flatten',
  make: () => new Flatten(),
  inputShape: [2, 3, 4, 5],
  expectedOutputShape: [2, 60],
  expectedParams: 0,
});

testLayer({
  name: 'Flatten startDim 2',
  make: () => new Flatten({ startDim: 2 }),
  inputShape: [2, 3, 4, 5],
  expectedOutputShape: [2, 3, 20],
  expectedParams: 0,
});

describeEachBackend('Flatten errors', () => {
  it('needs more axes than startDim', () => {
    const x = zeros([4]);
    expect(() => new Flatten().call(x)).toThrow('Flatten(startDim=1): expected rank > 1, got [4]');
    x.dispose();
  });
});
