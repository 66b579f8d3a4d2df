import { Rng } from '@convkit/backend';
import { describeEachBackend, expectClose } from '@convkit/backend/testing';
import { sum, tensor } from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { testLayer } from '../testing/test-layer';
import { Softmax } from './softmax';

testLayer({
  name: 'Softmax',
  make: () => new Softmax(),
  inputShape: [3, 5],
  expectedOutputShape: [3, 5],
  expectedParams: 0,
});

testLayer({
  name: 'Softmax axis 1',
  make: () => new Softmax({ axis: 1 }),
  inputShape: [2, 3, 4],
  expectedOutputShape: [2, 3, 4],
  expectedParams: 0,
});

describeEachBackend('Softmax values', () => {
  it('normalizes along the axis, stable for large logits', async () => {
    const x = tensor([[1000, 1001, 1002]]);
    const y = new Softmax().call(x);
    await expectClose(y, [0.09003057, 0.24472847, 0.66524096], { rtol: 1e-5 });
    const z = new Rng(1).normalTensor([2, 3, 4], 0, 10);
    const s = sum(new Softmax({ axis: 1 }).call(z), 1);
    await expectClose(s, new Array(8).fill(1), { rtol: 1e-5 });
    const bad = new Softmax({ axis: 3 });
    expect(() => bad.call(z)).toThrow('Softmax(axis=3): input [2,3,4] has no such axis');
    for (const t of [x, y, z, s]) t.dispose();
  });
});
