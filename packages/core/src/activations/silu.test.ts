import { describeEachBackend, expectClose } from '@convkit/backend/testing';
import { tensor } from '@tensorflow/tfjs-core';
import { it } from 'vitest';
import { testLayer } from '../testing/test-layer';
import { SiLU } from './silu';

testLayer({
  name: 'SiLU',
  make: () => new SiLU(),
  inputShape: [2, 3, 4],
  expectedOutputShape: [2, 3, 4],
  expectedParams: 0,
});

describeEachBackend('SiLU values', () => {
  it('computes the formula at known points', async () => {
    const x = tensor([-2, -0.5, 0.5, 3]);
    const y = new SiLU().call(x);
    await expectClose(y, [-0.23840584, -0.18877033, 0.31122967, 2.85772238], { rtol: 1e-5, atol: 1e-6 });
    x.dispose();
    y.dispose();
  });
});
