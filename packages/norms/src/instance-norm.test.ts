import { describeEachBackend } from '@convkit/backend/testing';
import { testLayer } from '@convkit/core/testing';
import { dispose, tensor } from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { InstanceNorm2d } from './instance-norm';
import { goldenCases, itMatchesTorch } from './test-helpers';

describeEachBackend('InstanceNorm2d vs PyTorch', () => {
  for (const c of goldenCases('InstanceNorm2d')) itMatchesTorch(c, { rtol: 1e-4, atol: 1e-5 });

  it('defaults like PyTorch: no affine, no running statistics', () => {
    const norm = new InstanceNorm2d({ numFeatures: 3 });
    expect(norm.stateDict()).toEqual({});
    expect(norm.toConfig().config).toMatchObject({ affine: false, trackRunningStats: false, momentum: 0.1 });
    norm.dispose();
  });

  it('one spatial element in training throws PyTorch’s error', () => {
    const norm = new InstanceNorm2d({ numFeatures: 2 });
    const x = tensor([1, 2, 3, 4], [2, 1, 1, 2]);
    expect(() => norm.call(x)).toThrow(
      'Expected more than 1 spatial element when training, got input size [2,1,1,2]',
    );
    expect(() => norm.call(tensor([1, 2], [1, 2]))).toThrow('expected 4D input (got 2D input)');
    dispose(x);
  });
});

testLayer({
  name: 'InstanceNorm2d 4 (affine, tracked)',
  make: () => new InstanceNorm2d({ numFeatures: 4, affine: true, trackRunningStats: true }),
  inputShape: [2, 3, 3, 4],
  expectedOutputShape: [2, 3, 3, 4],
  expectedParams: 8,
  trainEvalDiffer: true,
});

testLayer({
  name: 'InstanceNorm2d 3 (default)',
  make: () => new InstanceNorm2d({ numFeatures: 3 }),
  inputShape: [2, 4, 3, 3],
  expectedOutputShape: [2, 4, 3, 3],
  expectedParams: 0,
});
