import { Rng } from '@convkit/backend';
import { describeEachBackend, expectClose } from '@convkit/backend/testing';
import { Conv2d, foldNorms, ReLU, Sequential, valueAndGrads } from '@convkit/core';
import { backend, dispose, mean, memory, type Tensor, type Variable } from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { BatchNorm1d, BatchNorm2d } from './batch-norm';
import { InstanceNorm2d } from './instance-norm';

// With foldNorms, Sequential folds Conv2d → BatchNorm (→ ReLU) into one convolution in eval mode
// (core's fold.ts); these check that the folded network computes what the layers compute one by one.

/** v ← t, disposing t. */
function set(v: Variable | undefined, t: Tensor): void {
  v?.assign(t);
  t.dispose();
}

/** conv → bn → relu → conv → bn, with running statistics and affine parameters away from 1 and 0. */
function net(bias: boolean, groups = 1) {
  const rng = new Rng(3);
  const bn = (c: number) => {
    const n = new BatchNorm2d({ numFeatures: c });
    set(n.runningMean, rng.normalTensor([c], 0.5, 2));
    set(n.runningVar, rng.uniformTensor([c], 0.2, 3));
    set(n.weight, rng.normalTensor([c], 1, 0.5));
    set(n.bias, rng.normalTensor([c], 0, 0.5));
    return n;
  };
  const model = new Sequential(
    new Conv2d({ inChannels: 4, outChannels: 6, kernelSize: 3, padding: 1, bias, groups, rng: 1 }),
    bn(6),
    new ReLU(),
    new Conv2d({ inChannels: 6, outChannels: 5, kernelSize: 3, stride: 2, bias, rng: 2 }),
    bn(5),
  );
  return foldNorms(model);
}

/** The same network's output with folding off (every layer's own forward). */
function unfolded(model: Sequential, x: Tensor): Tensor {
  model.foldInEval = false;
  const y = model.call(x);
  model.foldInEval = true;
  return y;
}

describeEachBackend('foldNorms: Sequential folds Conv2d → BatchNorm (→ ReLU) in eval mode', () => {
  for (const [bias, groups] of [
    [true, 1],
    [false, 1],
    [true, 2],
  ] as const) {
    it(`equals the layers one by one (conv bias: ${bias}, groups: ${groups}), reusing the folded weights`, async () => {
      const start = memory().numTensors;
      const model = net(bias, groups).eval();
      const x = new Rng(4).normalTensor([2, 7, 7, 4]);
      const want = unfolded(model, x);
      const before = memory().numTensors;
      const got = model.call(x);
      await expectClose(got, want, { rtol: 1e-5, atol: 1e-5 });
      // Per conv: the folded filter and bias, and a snapshot of each tensor they came from (weight,
      // bias, the norm's 4). A second call reuses them and adds only its output.
      const kept = memory().numTensors - before - 1;
      expect(kept).toBe(2 * (2 + (bias ? 6 : 5)));
      const again = model.call(x);
      expect(memory().numTensors).toBe(before + kept + 2);
      // New running statistics refold.
      const bn = model.at(1) as BatchNorm2d;
      set(bn.runningMean, new Rng(5).normalTensor([6], -1, 1));
      const changed = model.call(x);
      const ref = unfolded(model, x);
      await expectClose(changed, ref, { rtol: 1e-5, atol: 1e-5 });
      expect(memory().numTensors).toBe(before + kept + 4);
      // So does a new conv weight.
      const conv = model.at(0) as Conv2d;
      set(conv.weight, new Rng(9).normalTensor(conv.weight.shape as number[]));
      const changed2 = model.call(x);
      const ref2 = unfolded(model, x);
      await expectClose(changed2, ref2, { rtol: 1e-5, atol: 1e-5 });
      expect(memory().numTensors).toBe(before + kept + 6);
      // The snapshot shares the weight's data, so an in-place writer must copy it first (the fused
      // optimizer kernels check this), which gives the weight new data and refolds.
      expect(backend().refCount(conv.weight.dataId)).toBeGreaterThan(1);
      // Training mode frees the folded weights.
      model.train();
      expect(memory().numTensors).toBe(before + 6);
      model.eval();
      dispose([changed2, ref2]);
      dispose([want, got, again, changed, ref, x]);
      model.dispose(); // frees the folded weights too
      expect(memory().numTensors).toBe(start);
    });
  }

  it('does not fold in training mode, under a gradient tape, nor modules with hooks', async () => {
    const model = net(true).eval();
    const x = new Rng(6).normalTensor([2, 7, 7, 4]);
    const want = unfolded(model, x);
    const seen: string[] = [];
    const remove = model.at(2)?.registerForwardHook((m) => {
      seen.push(m.className);
      return undefined;
    });
    const hooked = model.call(x);
    expect(seen).toEqual(['ReLU']); // conv → bn folded, the hooked ReLU ran on its own
    remove?.();
    await expectClose(hooked, want, { rtol: 1e-5, atol: 1e-5 });
    // Eval under a tape (gradients of an eval-mode model): the layers run one by one.
    const { grads } = valueAndGrads(model, () => mean(model.call(x)));
    const convWeight = grads['0.weight'];
    expect(convWeight?.shape).toEqual([3, 3, 4, 6]);
    // Training mode: batch statistics, never folded.
    expect((model.at(1) as BatchNorm2d).channelAffineInputs(4, 6)).not.toBeNull();
    model.train();
    expect((model.at(1) as BatchNorm2d).channelAffineInputs(4, 6)).toBeNull();
    dispose([want, hooked, x, ...Object.values(grads)]);
    model.dispose();
  });

  it('is off by default and in every nested Sequential that foldNorms(model, false) reaches', async () => {
    const inner = net(true);
    const outer = new Sequential(inner, new ReLU()).eval();
    const x = new Rng(8).normalTensor([1, 5, 5, 4]);
    const plain = foldNorms(outer, false);
    expect(inner.foldInEval).toBe(false);
    const before = memory().numTensors;
    const y = plain.call(x);
    expect(memory().numTensors).toBe(before + 1); // nothing cached
    foldNorms(outer);
    expect(inner.foldInEval).toBe(true);
    const z = outer.call(x);
    expect(memory().numTensors).toBe(before + 2 + 2 * (2 + 6)); // the inner convs' folded weights, snapshots
    await expectClose(z, y, { rtol: 1e-5, atol: 1e-5 });
    expect(new Sequential().foldInEval).toBe(false);
    dispose([x, y, z]);
    outer.dispose();
  });

  it('leaves norms that reject the input or have no running statistics to their own forward', () => {
    const rng = new Rng(7);
    const conv = () => new Conv2d({ inChannels: 2, outChannels: 3, kernelSize: 1, rng: rng.fork() });
    const x = rng.normalTensor([1, 4, 4, 2]);
    // BatchNorm1d takes 2D/3D input: unfolded, it throws PyTorch's error as it would alone.
    const oneD = foldNorms(new Sequential(conv(), new BatchNorm1d({ numFeatures: 3 })).eval());
    expect(() => oneD.call(x)).toThrow('Sequential[1] → BatchNorm1d: expected 2D or 3D input (got 4D input)');
    // InstanceNorm without running statistics normalizes each sample: not a fixed affine map.
    const inorm = new InstanceNorm2d({ numFeatures: 3 });
    expect(inorm.eval().channelAffineInputs(4, 3)).toBeNull();
    // A channel count that does not match is not folded either (the norm's own error follows).
    const wrong = foldNorms(new Sequential(conv(), new BatchNorm2d({ numFeatures: 4 })).eval());
    expect(() => wrong.call(x)).toThrow('expected 4 channels in the last axis');
    dispose(x);
    for (const m of [oneD, inorm, wrong]) m.dispose();
  });
});
