import { describeEachBackend, expectClose } from '@convkit/backend/testing';
import { testLayer } from '@convkit/core/testing';
import { dispose, memory, tensor } from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { BatchNorm, BatchNorm1d, BatchNorm2d } from './batch-norm';
import { goldenCases, itMatchesTorch } from './test-helpers';

describeEachBackend('BatchNorm vs PyTorch', () => {
  for (const c of goldenCases('BatchNorm1d', 'BatchNorm2d')) itMatchesTorch(c, { rtol: 1e-4, atol: 1e-5 });

  it('training on one value per channel throws PyTorch’s error', async () => {
    const bn = new BatchNorm2d({ numFeatures: 3 });
    const x = tensor([1, 2, 3], [1, 1, 1, 3]);
    expect(() => bn.call(x)).toThrow(
      'Expected more than 1 value per channel when training, got input size [1,1,1,3]',
    );
    // Untracked statistics use the batch in eval too, so the error holds there as well.
    const untracked = new BatchNorm1d({ numFeatures: 3, trackRunningStats: false }).eval();
    expect(() => untracked.call(tensor([[1, 2, 3]]))).toThrow('Expected more than 1 value per channel');
    // Eval with running statistics accepts a single sample.
    const y = bn.eval().call(x);
    await expectClose(
      y,
      [1, 2, 3].map((v) => v / Math.sqrt(1 + 1e-5)),
      { rtol: 1e-5 },
    );
    dispose([x, y]);
    bn.dispose();
    untracked.dispose();
  });

  it('checks rank and channels', () => {
    const before = memory().numTensors;
    const x = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    const bn2d = new BatchNorm2d({ numFeatures: 3 });
    const bn1d = new BatchNorm1d({ numFeatures: 2 });
    const bn = new BatchNorm({ numFeatures: 3 });
    expect(() => bn2d.call(x)).toThrow('expected 4D input (got 2D input)');
    expect(() => bn1d.call(x)).toThrow('expected 2 channels in the last axis');
    const y = bn.call(x);
    expect(y.shape).toEqual([2, 3]);
    expect(() => new BatchNorm2d({ numFeatures: 0 })).toThrow('numFeatures must be a positive integer');
    dispose([x, y]);
    for (const m of [bn2d, bn1d, bn]) m.dispose();
    expect(memory().numTensors).toBe(before);
  });

  it('state: parameters and buffers named like PyTorch (camelCase)', () => {
    const bn = new BatchNorm2d({ numFeatures: 4 });
    expect(bn.namedParameters().map(([n]) => n)).toEqual(['weight', 'bias']);
    expect(bn.namedBuffers().map(([n]) => n)).toEqual(['runningMean', 'runningVar', 'numBatchesTracked']);
    expect(new BatchNorm2d({ numFeatures: 4, affine: false, trackRunningStats: false }).stateDict()).toEqual(
      {},
    );
    bn.dispose();
  });
});

testLayer({
  name: 'BatchNorm2d 5',
  make: () => new BatchNorm2d({ numFeatures: 5 }),
  inputShape: [3, 4, 4, 5],
  expectedOutputShape: [3, 4, 4, 5],
  expectedParams: 10,
  trainEvalDiffer: true,
});

testLayer({
  name: 'BatchNorm1d 6 (momentum null, no affine)',
  make: () => new BatchNorm1d({ numFeatures: 6, momentum: null, affine: false }),
  inputShape: [4, 6],
  expectedOutputShape: [4, 6],
  expectedParams: 0,
  trainEvalDiffer: true,
});
