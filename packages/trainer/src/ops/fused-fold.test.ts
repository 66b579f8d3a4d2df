import { Rng, SgdUpdate } from '@convkit/backend';
import { describeEachBackend, expectClose } from '@convkit/backend/testing';
import { type ChannelAffine, Conv2d, foldNorms, Module, Sequential } from '@convkit/core';
import { add, dispose, mul, type Tensor, type Variable } from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { hasKernel } from './fused';
import { sgdUpdate } from './sgd-update';

/** y = x·scale + shift per channel: a stand-in for an eval-mode BatchNorm (core cannot import norms). */
class Affine extends Module implements ChannelAffine {
  readonly scale: Variable;
  readonly shift: Variable;
  constructor(c: number, rng: Rng) {
    super();
    this.scale = this.addParameter('scale', rng.normalTensor([c], 1, 0.5));
    this.shift = this.addParameter('shift', rng.normalTensor([c]));
  }
  forward(x: Tensor): Tensor {
    return add(mul(x, this.scale), this.shift);
  }
  channelAffineInputs(rank: number, channels: number): readonly Tensor[] | null {
    return this.training || rank !== 4 || channels !== this.scale.size ? null : [this.scale, this.shift];
  }
  channelAffine(): { scale: Tensor; shift: Tensor } {
    return { scale: mul(this.scale, 1), shift: mul(this.shift, 1) };
  }
}

// Folded convolutions keep their folded weights between calls (core's FoldCache); an optimizer that
// writes parameters in place (the fused SgdUpdate kernel on webgpu) must not leave them stale.
describeEachBackend('folded evaluation after optimizer steps', () => {
  it(`refolds after in-place updates (${hasKernel(SgdUpdate) ? 'fused in-place kernel' : 'composed ops, assign'})`, async () => {
    const rng = new Rng(11);
    const conv = new Conv2d({ inChannels: 16, outChannels: 32, kernelSize: 3, padding: 1, rng: 1 });
    const model = foldNorms(new Sequential(conv, new Affine(32, rng))).eval();
    const x = rng.normalTensor([2, 6, 6, 16]);
    const unfolded = () => {
      model.foldInEval = false;
      const y = model.call(x);
      model.foldInEval = true;
      return y;
    };
    const first = model.call(x); // folds and caches
    const dataBefore = conv.weight.dataId;
    let buffer: Variable | undefined;
    for (let step = 0; step < 2; step++) {
      const g = rng.normalTensor(conv.weight.shape as number[]);
      buffer = sgdUpdate(conv.weight, g, buffer, {
        lr: 0.5,
        momentum: 0.9,
        dampening: 0,
        weightDecay: 0,
        nesterov: false,
        maximize: false,
      });
      g.dispose();
      const got = model.call(x);
      const want = unfolded();
      await expectClose(got, want, { rtol: 1e-4, atol: 1e-4 });
      dispose([got, want]);
    }
    // The weight got new data (a private copy before the in-place write, or assign).
    expect(conv.weight.dataId).not.toBe(dataBefore);
    dispose([first, x]);
    buffer?.dispose();
    model.dispose();
  });
});
