import { Rng } from '@convkit/backend';
import { describeEachBackend } from '@convkit/backend/testing';
import {
  customGrad,
  dispose,
  memory,
  type Scalar,
  sum,
  type Tensor,
  tensor1d,
  tensor2d,
} from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { ReLU } from './activations/relu';
import { Conv2d } from './layers/conv2d';
import { Flatten } from './layers/flatten';
import { Linear } from './layers/linear';
import { Sequential } from './layers/sequential';
import { crossEntropy } from './losses';
import { sgdStep, valueAndGrads } from './step';

const model = () =>
  new Sequential(
    new Conv2d({ inChannels: 2, outChannels: 3, kernelSize: 3, padding: 1, rng: 1 }),
    new ReLU(),
    new Flatten(),
    new Linear({ inFeatures: 4 * 4 * 3, outFeatures: 3, rng: 2 }),
  );

describeEachBackend('valueAndGrads / sgdStep', () => {
  it('returns grads of trainable parameters only, by dotted name', () => {
    const net = model();
    const x = new Rng(3).normalTensor([2, 4, 4, 2]);
    const y = tensor1d([0, 2], 'int32');
    (net.at(0) as Conv2d).requiresGrad(false);
    const { loss, grads } = valueAndGrads(net, () => crossEntropy(net.call(x), y));
    expect(Object.keys(grads).sort()).toEqual(['3.bias', '3.weight']);
    expect(grads['3.weight'].shape).toEqual([48, 3]);
    expect(loss.shape).toEqual([]);
    net.requiresGrad(false);
    expect(() => valueAndGrads(net, () => crossEntropy(net.call(x), y))).toThrow(
      'valueAndGrads: Sequential has no trainable parameters',
    );
    dispose([loss, grads, x, y]);
    net.dispose();
  });

  it('training lowers the loss; tensor count after 100 steps equals that after 1', async () => {
    const net = model();
    const x = new Rng(3).normalTensor([4, 4, 4, 2]);
    const y = tensor1d([0, 2, 1, 1], 'int32');
    const step = () => {
      const { loss, grads } = valueAndGrads(net, () => crossEntropy(net.call(x), y));
      sgdStep(net, grads, 0.1);
      dispose(grads);
      return loss;
    };
    const first = step();
    const initial = (await first.data())[0];
    first.dispose();
    const afterOne = memory().numTensors;
    let last = 0;
    for (let i = 0; i < 99; i++) {
      const loss = step();
      if (i === 98) last = (await loss.data())[0];
      loss.dispose();
    }
    expect(memory().numTensors).toBe(afterOne);
    expect(last).toBeLessThan(initial * 0.5);
    dispose([x, y]);
    net.dispose();
  });

  it("a throwing lossFn or gradient leaks nothing (not even the tape's saved tensors)", () => {
    const net = model();
    const x = new Rng(3).normalTensor([2, 4, 4, 2]);
    const y = tensor1d([0, 2], 'int32');
    const before = memory().numTensors;
    const boom = (): Scalar => {
      net.call(x);
      throw new Error('boom');
    };
    expect(() => valueAndGrads(net, boom)).toThrow('boom');
    expect(memory().numTensors).toBe(before);
    // The forward pass succeeds (saving tensors for backward), then a gradient throws.
    const badGrad = customGrad((t) => ({
      value: sum(t as Tensor),
      gradFunc: () => {
        throw new Error('no gradient');
      },
    }));
    expect(() => valueAndGrads(net, () => badGrad(net.call(x)) as Scalar)).toThrow('no gradient');
    expect(memory().numTensors).toBe(before);
    const { loss, grads } = valueAndGrads(net, () => crossEntropy(net.call(x), y));
    dispose([loss, grads]);
    expect(memory().numTensors).toBe(before);
    dispose([x, y]);
    net.dispose();
  });

  it('sgdStep rejects unknown names and skips frozen parameters', async () => {
    const fc = new Linear({ inFeatures: 2, outFeatures: 1, rng: 1 });
    const g = { weight: tensor2d([[1], [1]]), bias: tensor1d([1]) };
    const w0 = Array.from(await fc.weight.data());
    const b0 = Array.from((await fc.bias?.data()) ?? []);
    if (fc.bias) fc.bias.trainable = false;
    sgdStep(fc, g, 0.5);
    expect(Array.from(await fc.weight.data())).toEqual(w0.map((v) => Math.fround(v - 0.5)));
    expect(Array.from((await fc.bias?.data()) ?? [])).toEqual(b0);
    expect(() => sgdStep(fc, { nope: g.bias }, 0.1)).toThrow("sgdStep: Linear has no parameter 'nope'");
    dispose(g);
    fc.dispose();
  });
});
