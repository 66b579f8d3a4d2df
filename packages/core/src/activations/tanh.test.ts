import { describeEachBackend, expectClose } from '@convkit/backend/testing';
import { tensor } from '@tensorflow/tfjs-core';
import { it } from 'vitest';
import { testLayer } from '../testing/test-layer';
import { Tanh } from './tanh';

testLayer({
  name: 'Tanh',
  make: () => new Tanh(),
  inputShape: [2, 3, 4],
  expectedOutputShape: [2, 3, 4],
  expectedParams: 0,
});

describeEachBackend('Tanh values', () => {
  it('computes the formula at known points', async () => {
    const x = tensor([-2, -0.5, 0.5, 3]);
    const y = new Tanh().call(x);
    await expectClose(y, [-0.96402758, -0.46211716, 0.46211716, 0.99505475], { rtol: 1e-5, atol: 1e-6 });
    x.dispose();
    y.dispose();
  });
});
