import { describeEachBackend, expectClose } from '@convkit/backend/testing';
import { tensor } from '@tensorflow/tfjs-core';
import { it } from 'vitest';
import { testLayer } from '../testing/test-layer';
import { ReLU } from './relu';

testLayer({
  name: 'ReLU',
  make: () => new ReLU(),
  inputShape: [2, 3, 4],
  expectedOutputShape: [2, 3, 4],
  expectedParams: 0,
});

describeEachBackend('ReLU values', () => {
  it('computes the formula at known points', async () => {
    const x = tensor([-2, -0.5, 0.5, 3]);
    const y = new ReLU().call(x);
    await expectClose(y, [0, 0, 0.5, 3], { rtol: 1e-5, atol: 1e-6 });
    x.dispose();
    y.dispose();
  });
});
