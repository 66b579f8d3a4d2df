import { describeEachBackend, expectClose } from '@convkit/backend/testing';
import { grad, sum, tensor } from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { testLayer } from '../testing/test-layer';
import { ELU } from './elu';

testLayer({
  name: 'ELU',
  make: () => new ELU(),
  inputShape: [2, 3, 4],
  expectedOutputShape: [2, 3, 4],
  expectedParams: 0,
});

testLayer({
  name: 'ELU alpha 0.5',
  make: () => new ELU({ alpha: 0.5 }),
  inputShape: [2, 3, 4],
  expectedOutputShape: [2, 3, 4],
  expectedParams: 0,
});

describeEachBackend('ELU values', () => {
  it('scales the negative part by alpha; gradient alpha at 0 (PyTorch)', async () => {
    const x = tensor([-2, -0.5, 0, 3]);
    const layer = new ELU({ alpha: 0.5 });
    const y = layer.call(x);
    await expectClose(y, [0.5 * (Math.exp(-2) - 1), 0.5 * (Math.exp(-0.5) - 1), 0, 3], {
      rtol: 1e-5,
      atol: 1e-7,
    });
    const dx = grad((t) => sum(layer.call(t)))(x);
    await expectClose(dx, [0.5 * Math.exp(-2), 0.5 * Math.exp(-0.5), 0.5, 1], { rtol: 1e-5 });
    expect(layer.toConfig().config).toEqual({ alpha: 0.5 });
    for (const t of [x, y, dx]) t.dispose();
  });
});
