import { Rng } from '@convkit/backend';
import { useBackend } from '@convkit/backend/testing';
import { Conv2d, Linear, ReLU, Sequential } from '@convkit/core';
import { dispose, memory, type Tensor, tensor, zeros } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createModel } from './index';
import { parseSafetensors, saveSafetensors } from './safetensors';
import { exportTorchWeights, loadTorchWeights, torchKeyNames } from './torch-weights';

const tiny = (seed: number) =>
  createModel('resnet18', { widthMultiplier: 1 / 16, layers: [1, 1, 1, 1], numClasses: 5, rng: seed });

async function snapshot(model: { stateDict(): Record<string, Tensor> }): Promise<Record<string, number[]>> {
  const out: Record<string, number[]> = {};
  for (const [k, v] of Object.entries(model.stateDict())) out[k] = Array.from(await v.data());
  return out;
}

describe('PyTorch weights', () => {
  useBackend('cpu');

  it("maps names to PyTorch's: snake_case buffers, torchvision module paths", () => {
    const model = tiny(0);
    const keys = torchKeyNames(model);
    expect(keys['bn1.runningMean']).toBe('bn1.running_mean');
    expect(keys['layer1.0.bn2.numBatchesTracked']).toBe('layer1.0.bn2.num_batches_tracked');
    expect(keys['layer2.0.downsample.0.weight']).toBe('layer2.0.downsample.0.weight');
    expect(keys['fc.weight']).toBe('fc.weight');
    const exported = exportTorchWeights(model);
    // PyTorch's order: a module's own parameters, then its buffers, then its children.
    expect(Object.keys(exported).slice(0, 8)).toEqual([
      'conv1.weight',
      'bn1.weight',
      'bn1.bias',
      'bn1.running_mean',
      'bn1.running_var',
      'bn1.num_batches_tracked',
      'layer1.0.conv1.weight',
      'layer1.0.bn1.weight',
    ]);
    expect(exported['conv1.weight'].shape, 'OIHW').toEqual([4, 3, 7, 7]);
    expect(exported['fc.weight'].shape, '[out, in]').toEqual([5, 32]);
    expect(exported['bn1.num_batches_tracked'].dtype).toBe('int32');
    dispose(Object.values(exported));
    model.dispose();
  });

  it('strict: every missing, unexpected and mis-shaped key in one error, and nothing written', async () => {
    const source = tiny(1);
    const target = tiny(2);
    const weights = exportTorchWeights(source);
    const before = await snapshot(target);
    const broken: Record<string, Tensor> = {
      ...weights,
      'extra.weight': zeros([2]),
      'layer9.bias': zeros([1]),
    };
    delete broken['fc.bias'];
    delete broken['layer3.0.conv2.weight'];
    broken['conv1.weight'] = zeros([4, 3, 3, 3]);
    broken['layer1.0.bn1.running_mean'] = zeros([5]);
    let message = '';
    try {
      loadTorchWeights(target, broken);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/^loadTorchWeights\(ResNet\): nothing loaded — /);
    expect(message).toContain('2 missing: layer3.0.conv2.weight, fc.bias');
    expect(message).toContain('2 unexpected: extra.weight, layer9.bias');
    expect(message).toContain(
      '2 mis-shaped: conv1.weight: model expects [4,3,7,7], file has [4,3,3,3]; layer1.0.bn1.running_mean: model expects [4], file has [5]',
    );
    expect(await snapshot(target), 'nothing written').toEqual(before);

    // strict: false ignores missing and unexpected keys, not shapes.
    expect(() => loadTorchWeights(target, broken, { strict: false })).toThrow(/2 mis-shaped/);
    expect(await snapshot(target)).toEqual(before);
    const lenient = {
      ...broken,
      'conv1.weight': weights['conv1.weight'],
      'layer1.0.bn1.running_mean': weights['layer1.0.bn1.running_mean'],
    };
    const result = loadTorchWeights(target, lenient, { strict: false });
    expect(result.missing).toEqual(['layer3.0.conv2.weight', 'fc.bias']);
    expect(result.unexpected).toEqual(['extra.weight', 'layer9.bias']);
    expect(result.loaded.length).toBe(Object.keys(weights).length - 2);
    dispose([
      broken['extra.weight'],
      broken['layer9.bias'],
      broken['conv1.weight'],
      broken['layer1.0.bn1.running_mean'],
    ]);
    dispose(Object.values(weights));
    source.dispose();
    target.dispose();
  });

  it('a missing num_batches_tracked is allowed (checkpoints older than the buffer), as in PyTorch', () => {
    const model = tiny(3);
    const weights = exportTorchWeights(model);
    const old = Object.fromEntries(
      Object.entries(weights).filter(([k]) => !k.endsWith('num_batches_tracked')),
    );
    const result = loadTorchWeights(model, old);
    expect(result.missing.every((k) => k.endsWith('num_batches_tracked'))).toBe(true);
    expect(result.missing.length).toBeGreaterThan(0);
    dispose(Object.values(weights));
    model.dispose();
  });

  it('loads tensors by name (not disposed) and files one tensor at a time; both give the same model', async () => {
    const source = tiny(4);
    source
      .train()
      .call(new Rng(0).normalTensor([2, 32, 32, 3]))
      .dispose(); // running statistics move
    const weights = exportTorchWeights(source);
    const bytes = await saveSafetensors(weights);
    const fromTensors = tiny(5);
    const fromFile = tiny(6);
    const count = memory().numTensors;
    loadTorchWeights(fromTensors, weights);
    loadTorchWeights(fromFile, parseSafetensors(bytes));
    expect(memory().numTensors, 'loading makes no lasting tensors').toBe(count);
    expect(weights['fc.weight'].isDisposed).toBe(false);
    const want = await snapshot(source);
    expect(await snapshot(fromTensors)).toEqual(want);
    expect(await snapshot(fromFile)).toEqual(want);
    dispose(Object.values(weights));
    for (const m of [source, fromTensors, fromFile]) m.dispose();
  });

  it('works on any Module: conv and linear layouts by layer type', async () => {
    const net = new Sequential(
      new Conv2d({ inChannels: 2, outChannels: 3, kernelSize: [1, 2], rng: 0 }),
      new ReLU(),
      new Linear({ inFeatures: 3, outFeatures: 2, rng: 0 }),
    );
    // PyTorch's OIHW weight [3, 2, 1, 2]: w[o, i, 0, j] = 100o + 10i + j.
    const oihw = Array.from({ length: 12 }, (_, n) => {
      const [o, i, j] = [Math.floor(n / 4), Math.floor(n / 2) % 2, n % 2];
      return 100 * o + 10 * i + j;
    });
    const state = {
      '0.weight': tensor(oihw, [3, 2, 1, 2]),
      '0.bias': tensor([0, 0, 0]),
      '2.weight': tensor([1, 2, 3, 4, 5, 6], [2, 3]),
      '2.bias': tensor([0, 0]),
    };
    loadTorchWeights(net, state);
    dispose(Object.values(state));
    const [conv, , fc] = [...net] as [Conv2d, ReLU, Linear];
    const hwio = await conv.weight.data();
    // HWIO [1, 2, 2, 3]: index ((0·2 + j)·2 + i)·3 + o.
    expect(hwio[(1 * 2 + 0) * 3 + 2]).toBe(201); // j=1, i=0, o=2
    expect(hwio[(0 * 2 + 1) * 3 + 1]).toBe(110); // j=0, i=1, o=1
    expect(Array.from(await fc.weight.data())).toEqual([1, 4, 2, 5, 3, 6]);
    net.dispose();
  });
});
