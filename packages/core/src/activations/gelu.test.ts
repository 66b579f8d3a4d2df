import { describeEachBackend, expectClose } from '@convkit/backend/testing';
import { tensor } from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { testLayer } from '../testing/test-layer';
import { GELU } from './gelu';

testLayer({
  name: 'GELU',
  make: () => new GELU(),
  inputShape: [2, 3, 4],
  expectedOutputShape: [2, 3, 4],
  expectedParams: 0,
});

testLayer({
  name: 'GELU tanh',
  make: () => new GELU({ approximate: 'tanh' }),
  inputShape: [2, 3, 4],
  expectedOutputShape: [2, 3, 4],
  expectedParams: 0,
});

describeEachBackend('GELU values', () => {
  it('exact erf form and tanh approximation (torch.nn.functional.gelu)', async () => {
    const x = tensor([-2, -0.5, 0.5, 3]);
    const exact = new GELU().call(x);
    const approx = new GELU({ approximate: 'tanh' }).call(x);
    await expectClose(exact, [-0.04550026, -0.15426877, 0.34573123, 2.99595031], { rtol: 1e-5, atol: 1e-6 });
    await expectClose(approx, [-0.04540231, -0.15428599, 0.34571401, 2.99636261], { rtol: 1e-5, atol: 1e-6 });
    expect(() => new GELU({ approximate: 'fast' as 'tanh' })).toThrow(/approximate must be 'none' or 'tanh'/);
    for (const t of [x, exact, approx]) t.dispose();
  });
});
