import { Rng } from '@convkit/backend';
import { describeEachBackend } from '@convkit/backend/testing';
import {
  customGrad,
  dispose,
  fill,
  memory,
  mul,
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
import { NonFiniteError, sgdStep, valueAndGrads, valueAndGradsAsync } from './step';

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

describeEachBackend('valueAndGrads checkFinite', (backend) => {
  // A loss whose gradient w.r.t. its input is `dy·grad` everywhere: lets a test make one gradient ∞.
  const scaledGrad = (grad: number) =>
    customGrad((t) => ({
      value: sum(t as Tensor),
      gradFunc: (dy: Tensor) => mul(dy, fill((t as Tensor).shape, grad)),
    }));
  const setup = () => {
    const net = model();
    const x = new Rng(3).normalTensor([2, 4, 4, 2]);
    const y = tensor1d([0, 2], 'int32');
    return { net, x, y, lossFn: () => crossEntropy(net.call(x), y) };
  };
  const weightsOf = async (net: Sequential) =>
    Promise.all(net.parameters().map(async (p) => Array.from(await p.data())));

  it('a NaN loss: NonFiniteError naming the loss and the first gradient, nothing written, nothing leaked', async () => {
    const { net, x, y } = setup();
    const nanX = mul(x, Number.NaN);
    const before = memory().numTensors;
    const w0 = await weightsOf(net);
    const run = () =>
      valueAndGradsAsync(net, () => crossEntropy(net.call(nanX), y), { checkFinite: true }).then((r) => {
        sgdStep(net, r.grads, 0.1); // never reached
        dispose([r.loss, r.grads]);
      });
    const err = await run().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NonFiniteError);
    expect((err as NonFiniteError).loss).toBeNaN();
    expect((err as NonFiniteError).gradients[0]).toBe('0.weight');
    expect((err as Error).message).toMatch(
      /^valueAndGradsAsync: the loss is NaN and 4 gradient\(s\) are not finite, the first of '0.weight'; nothing was written/,
    );
    expect(memory().numTensors).toBe(before);
    expect(await weightsOf(net)).toEqual(w0);
    dispose([x, y, nanX]);
    net.dispose();
  });

  it('a finite loss with one infinite gradient names that gradient', async () => {
    const { net, x } = setup();
    const before = memory().numTensors;
    const lossFn = () => scaledGrad(Number.POSITIVE_INFINITY)(net.call(x)) as Scalar;
    const err = await valueAndGradsAsync(net, lossFn, { checkFinite: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NonFiniteError);
    expect(Number.isFinite((err as NonFiniteError).loss)).toBe(true);
    expect((err as Error).message).toMatch(/the loss is finite \(.*\) and .* the first of '0.weight'/);
    expect(memory().numTensors).toBe(before);
    dispose(x);
    net.dispose();
  });

  it('finite values pass and return what valueAndGrads returns; without the option NaN passes through', async () => {
    const { net, x, y, lossFn } = setup();
    const checked = await valueAndGradsAsync(net, lossFn, { checkFinite: true });
    const plain = valueAndGrads(net, lossFn);
    expect(Object.keys(checked.grads)).toEqual(Object.keys(plain.grads));
    expect(await checked.loss.data()).toEqual(await plain.loss.data());
    const before = memory().numTensors;
    const nanX = mul(x, Number.NaN);
    const unchecked = valueAndGrads(net, () => crossEntropy(net.call(nanX), y));
    expect((await unchecked.loss.data())[0]).toBeNaN();
    dispose([checked.loss, checked.grads, plain.loss, plain.grads, unchecked.loss, unchecked.grads, nanX]);
    expect(memory().numTensors).toBe(before - 2 - 2 * 4);
    dispose([x, y]);
    net.dispose();
  });

  it.skipIf(backend === 'webgpu')(
    'the synchronous form throws the same error (skipped on webgpu: Node cannot read it synchronously)',
    () => {
      const { net, x, y } = setup();
      const nanX = mul(x, Number.NaN);
      const before = memory().numTensors;
      expect(() => valueAndGrads(net, () => crossEntropy(net.call(nanX), y), { checkFinite: true })).toThrow(
        /^valueAndGrads: the loss is NaN and 4 gradient\(s\) are not finite, the first of '0.weight'/,
      );
      expect(memory().numTensors).toBe(before);
      dispose([x, y, nanX]);
      net.dispose();
    },
  );

  it.runIf(backend === 'webgpu')(
    'the synchronous form on webgpu in Node says to use valueAndGradsAsync (runs on webgpu only)',
    () => {
      const { net, lossFn, x, y } = setup();
      const before = memory().numTensors;
      expect(() => valueAndGrads(net, lossFn, { checkFinite: true })).toThrow(
        'use `await valueAndGradsAsync(module, lossFn, { checkFinite: true })`',
      );
      expect(memory().numTensors).toBe(before);
      dispose([x, y]);
      net.dispose();
    },
  );
});

describeEachBackend('sgdStep checks', () => {
  it('rejects a gradient whose shape differs from its parameter, before writing anything', async () => {
    const fc = new Linear({ inFeatures: 2, outFeatures: 2, rng: 1 });
    const w0 = Array.from(await fc.weight.data());
    const b0 = Array.from((await fc.bias?.data()) ?? []);
    const good = tensor1d([1, 1]);
    const broadcastable = tensor1d([1, 1]); // [2] against the [2, 2] weight: tfjs would broadcast it
    expect(() => sgdStep(fc, { bias: good, weight: broadcastable }, 0.1)).toThrow(
      "sgdStep: the gradient of 'weight' has shape [2], the parameter [2,2]",
    );
    expect(Array.from(await fc.weight.data())).toEqual(w0);
    expect(Array.from((await fc.bias?.data()) ?? [])).toEqual(b0);
    expect(() => sgdStep(fc, { bias: good }, Number.NaN)).toThrow('sgdStep: lr must be a finite number');
    dispose([good, broadcastable]);
    fc.dispose();
  });
});
