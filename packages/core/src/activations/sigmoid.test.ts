import { describeEachBackend, expectClose } from '@convkit/backend/testing';
import { tensor } from '@tensorflow/tfjs-core';
import { it } from 'vitest';
import { testLayer } from '../testing/test-layer';
import { Sigmoid } from './sigmoid';

testLayer({
  name: 'Sigmoid',
  make: () => new Sigmoid(),
  inputShape: [2, 3, 4],
  expectedOutputShape: [2, 3, 4],
  expectedParams: 0,
});

describeEachBackend('Sigmoid values', () => {
  it('computes the formula at known points', async () => {
    const x = tensor([-2, -0.5, 0.5, 3]);
    const y = new Sigmoid().call(x);
    await expectClose(y, [0.11920292, 0.37754067, 0.62245933, 0.95257413], { rtol: 1e-5, atol: 1e-6 });
    x.dispose();
    y.dispose();
  });
});
