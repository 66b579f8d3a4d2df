import { describeEachBackend, expectClose } from '@convkit/backend/testing';
import { tensor } from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { testLayer } from '../testing/test-layer';
import { LeakyReLU } from './leaky-relu';

testLayer({
  name: 'LeakyReLU 0.2',
  make: () => new LeakyReLU({ negativeSlope: 0.2 }),
  inputShape: [2, 3, 4],
  expectedOutputShape: [2, 3, 4],
  expectedParams: 0,
});

describeEachBackend('LeakyReLU values', () => {
  it('defaults to slope 0.01 (PyTorch)', async () => {
    const x = tensor([-2, -0.5, 0.5, 3]);
    const layer = new LeakyReLU();
    const y = layer.call(x);
    await expectClose(y, [-0.02, -0.005, 0.5, 3], { rtol: 1e-6 });
    expect(layer.toConfig()).toEqual({ className: 'LeakyReLU', config: { negativeSlope: 0.01 } });
    x.dispose();
    y.dispose();
  });
});
