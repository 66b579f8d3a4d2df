import { Rng } from '@convkit/backend';
import { describeEachBackend, expectClose } from '@convkit/backend/testing';
import { testLayer } from '@convkit/core/testing';
import { dispose, grad, memory, mul, sum, type Tensor } from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { GroupNorm } from './group-norm';
import { InstanceNorm2d } from './instance-norm';
import { LayerNorm } from './layer-norm';
import { goldenCases, itMatchesTorch } from './test-helpers';

/** Output and input gradient (loss Σ y·r) of `f` at `x`. */
function outAndGrad(f: (x: Tensor) => Tensor, x: Tensor, r: Tensor): [Tensor, Tensor] {
  return [f(x), grad((xi: Tensor) => sum(mul(f(xi), r)))(x)];
}

describeEachBackend('GroupNorm vs PyTorch', () => {
  for (const c of goldenCases('GroupNorm')) itMatchesTorch(c, { rtol: 1e-4, atol: 1e-5 });

  it('G = 1 equals LayerNorm over (H, W, C), G = C equals InstanceNorm (outputs and input gradients)', async () => {
    const before = memory().numTensors;
    const rng = new Rng(2);
    const x = rng.normalTensor([3, 4, 5, 6], 2, 3);
    const r = rng.normalTensor([3, 4, 5, 6]);
    const modules = [
      new GroupNorm({ numGroups: 1, numChannels: 6 }),
      new LayerNorm({ normalizedShape: [4, 5, 6] }),
      new GroupNorm({ numGroups: 6, numChannels: 6 }),
      new InstanceNorm2d({ numFeatures: 6 }),
    ];
    const [gn1, ln, gnC, inorm] = modules.map((m) => outAndGrad((xi) => m.call(xi), x, r));
    try {
      await expectClose(gn1[0], ln[0], { atol: 1e-5 }, 'G=1 vs LayerNorm: y');
      await expectClose(gn1[1], ln[1], { atol: 1e-5 }, 'G=1 vs LayerNorm: dx');
      await expectClose(gnC[0], inorm[0], { atol: 1e-5 }, 'G=C vs InstanceNorm: y');
      await expectClose(gnC[1], inorm[1], { atol: 1e-5 }, 'G=C vs InstanceNorm: dx');
    } finally {
      dispose([x, r, ...gn1, ...ln, ...gnC, ...inorm]);
      for (const m of modules) m.dispose();
    }
    expect(memory().numTensors).toBe(before);
  });

  it('numChannels not divisible by numGroups is a clear error', () => {
    expect(() => new GroupNorm({ numGroups: 4, numChannels: 6 })).toThrow(
      'num_channels must be divisible by num_groups (got numChannels=6, numGroups=4)',
    );
  });
});

testLayer({
  name: 'GroupNorm 2 groups of 3',
  make: () => new GroupNorm({ numGroups: 2, numChannels: 6 }),
  inputShape: [2, 3, 3, 6],
  expectedOutputShape: [2, 3, 3, 6],
  expectedParams: 12,
});
