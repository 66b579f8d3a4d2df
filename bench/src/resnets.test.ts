import { initBackend } from '@convkit/backend';
import { crossEntropy } from '@convkit/core';
import { dispose, fill, memory, tensor1d } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { cifarResNet, RESNET18_CIFAR, SMALL_RESNET } from './resnets';
import { sgdMomentum } from './train-step';

describe('the PyTorch comparison networks', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', strict: true });
  });

  it("have PyTorch's parameter counts (ResNet-18 CIFAR: 11,173,962)", () => {
    const r18 = cifarResNet(RESNET18_CIFAR);
    expect(r18.numParameters()).toBe(11173962);
    r18.dispose();
    const small = cifarResNet(SMALL_RESNET);
    expect(small.numParameters()).toBe(308826);
    small.dispose();
  });

  it('train (momentum SGD lowers the loss on a repeated batch) without leaking', async () => {
    const net = cifarResNet(SMALL_RESNET, 1);
    const x = fill([4, 32, 32, 3], 0.5);
    const y = tensor1d([0, 1, 2, 3], 'int32');
    const step = sgdMomentum(net, 0.05);
    const first = await step(x, y);
    const tensors = memory().numTensors;
    let last = first;
    for (let i = 0; i < 4; i++) last = await step(x, y);
    expect(memory().numTensors).toBe(tensors);
    expect(last).toBeLessThan(first);
    const logits = net.call(x);
    expect(logits.shape).toEqual([4, 10]);
    dispose([logits, crossEntropy(logits, y), x, y]);
    net.dispose();
  });
});
