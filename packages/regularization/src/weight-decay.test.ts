import { useBackend } from '@convkit/backend/testing';
import { Conv2d, Linear, Module, Sequential } from '@convkit/core';
import { dispose, memory, mul, ones, sub, type Tensor, tensor, variable, zeros } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { applyWeightDecay, paramGroups } from './weight-decay';

/** A norm-like module with a rank-3 scale that it declares as not to be decayed. */
class FakeLayerNorm extends Module {
  static readonly className = 'FakeLayerNorm';
  readonly weight = this.addParameter('weight', ones([2, 2, 3]));
  readonly gain = this.addParameter('gain', ones([2, 2, 3]));
  forward(x: Tensor): Tensor {
    return x;
  }
  noWeightDecay(): string[] {
    return ['weight'];
  }
}

describe('weight decay', () => {
  useBackend('cpu');

  it('paramGroups: conv/linear weights decay; biases, rank-1 and declared norm parameters do not', () => {
    const net = new Sequential(
      new Conv2d({ inChannels: 3, outChannels: 4, kernelSize: 3 }),
      new FakeLayerNorm(),
      new Linear({ inFeatures: 4, outFeatures: 2 }),
    );
    const [decay, noDecay] = paramGroups(net, { weightDecay: 5e-4 });
    expect(Object.keys(decay.params).sort()).toEqual(['0.weight', '1.gain', '2.weight']);
    expect(Object.keys(noDecay.params).sort()).toEqual(['0.bias', '1.weight', '2.bias']);
    expect([decay.weightDecay, noDecay.weightDecay]).toEqual([5e-4, 0]);
    const [all, none] = paramGroups(net, { weightDecay: 1e-2, excludeNormAndBias: false });
    expect(Object.keys(all.params)).toHaveLength(6);
    expect(Object.keys(none.params)).toHaveLength(0);
    net.requiresGrad(false);
    expect(Object.keys(paramGroups(net, { weightDecay: 1 })[0].params)).toHaveLength(0);
    net.dispose();
  });

  it("'l2' adds wd·w to the gradient (hand-computed)", async () => {
    const before = memory().numTensors;
    const w = tensor([1, -2]);
    const params = { w: variable(w) };
    w.dispose();
    const grads = { w: tensor([0.5, 0.5]), other: tensor([3]) };
    const out = applyWeightDecay(grads, params, { mode: 'l2', weightDecay: 0.1 });
    // g + wd·w = [0.5 + 0.1, 0.5 − 0.2]
    expect(Array.from(await out.w.data()).map((v) => +v.toFixed(6))).toEqual([0.6, 0.3]);
    expect(out.other).toBe(grads.other);
    expect(grads.w.isDisposed).toBe(true);
    expect(Array.from(await params.w.data())).toEqual([1, -2]);
    dispose([out.w, out.other, params.w]);
    expect(memory().numTensors).toBe(before);
  });

  it("'decoupled' shrinks w by lr·wd·w and leaves the gradient (hand-computed)", async () => {
    const before = memory().numTensors;
    const w = tensor([1, -2]);
    const params = { w: variable(w) };
    w.dispose();
    const grads = { w: tensor([0.5, 0.5]) };
    const out = applyWeightDecay(grads, params, { mode: 'decoupled', weightDecay: 0.1, lr: 0.1 });
    // w·(1 − lr·wd) = [0.99, −1.98]
    expect(Array.from(await params.w.data()).map((v) => +v.toFixed(6))).toEqual([0.99, -1.98]);
    expect(out.w).toBe(grads.w);
    expect(() => applyWeightDecay(grads, params, { mode: 'decoupled', weightDecay: 0.1 })).toThrow(
      'needs lr',
    );
    dispose([grads.w, params.w]);
    expect(memory().numTensors).toBe(before);
  });

  it('with plain SGD, l2 and decoupled decay give the same step', async () => {
    const [lr, wd] = [0.05, 0.2];
    const start = [0.3, -1.2, 2.5];
    const g = [0.1, -0.4, 0.7];
    const run = async (mode: 'l2' | 'decoupled') => {
      const t = tensor(start);
      const params = { w: variable(t) };
      t.dispose();
      const grads = applyWeightDecay({ w: tensor(g) }, params, { mode, weightDecay: wd, lr });
      const next = sub(params.w, mul(grads.w, lr));
      const values = Array.from(await next.data());
      dispose([next, grads.w, params.w]);
      return values;
    };
    const [l2, decoupled] = [await run('l2'), await run('decoupled')];
    for (const [i, v] of l2.entries()) expect(v).toBeCloseTo(decoupled[i], 6);
    expect(l2[0]).toBeCloseTo(0.3 - lr * (0.1 + wd * 0.3), 6);
  });

  it('rejects bad options; weightDecay 0 changes nothing', () => {
    const params = { w: variable(zeros([2])) };
    const grads = { w: tensor([1, 1]) };
    expect(() => applyWeightDecay(grads, params, { mode: 'l1' as never, weightDecay: 0.1 })).toThrow(
      "'l2' or 'decoupled'",
    );
    expect(() => applyWeightDecay(grads, params, { mode: 'l2', weightDecay: -1 })).toThrow(
      'weightDecay must be >= 0',
    );
    expect(applyWeightDecay(grads, params, { mode: 'l2', weightDecay: 0 }).w).toBe(grads.w);
    dispose([grads.w, params.w]);
  });
});
