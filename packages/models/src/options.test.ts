// What each family's options do to the module it builds (the all-models test runs every name at its
// defaults; this checks the options).
import { Rng } from '@convkit/backend';
import { useBackend } from '@convkit/backend/testing';
import { GELU, Identity } from '@convkit/core';
import { BatchNorm2d, GroupNorm } from '@convkit/norms';
import { Dropout, type DropPath } from '@convkit/regularization';
import { dispose } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { AlexNet, BasicBlock, Bottleneck, createModel, MnistCnn, ResNet, VGG } from './index';
import type { ZooModel } from './model';

const modules = (m: ZooModel) => m.namedModules();
const param = (m: ZooModel, name: string) => m.namedParameters().find(([n]) => n === name)?.[1];
const small = { widthMultiplier: 1 / 16, rng: 0 };

describe('model options', () => {
  useBackend('cpu');

  it('norm: any createNorm name, normOptions passed on; none leaves no norm parameters', () => {
    const gn = createModel('resnet18', { ...small, norm: 'group', normOptions: { numGroups: 2 } });
    expect(modules(gn).filter(([, m]) => m instanceof GroupNorm).length).toBe(1 + 4 * 2 * 2 + 3);
    expect(modules(gn).some(([, m]) => m instanceof BatchNorm2d)).toBe(false);
    const none = createModel('resnet50', { ...small, norm: 'none' });
    expect(none.namedParameters().filter(([n]) => /bn\d|downsample\.1/.test(n))).toEqual([]);
    expect(none.namedModules().find(([n]) => n === 'layer1.0.bn1')?.[1]).toBeInstanceOf(Identity);
    const vgg = createModel('vgg11', { widthMultiplier: 1 / 32, norm: 'batch', rng: 0 });
    const bn = createModel('vgg11_bn', { widthMultiplier: 1 / 32, rng: 0 });
    expect(Object.keys(vgg.stateDict())).toEqual(Object.keys(bn.stateDict()));
    for (const m of [gn, none, vgg, bn]) m.dispose();
  });

  it("mnist_cnn's norm goes after each conv; the stages follow it; without one the weights are the same", async () => {
    const plain = createModel('mnist_cnn', { rng: 0 });
    const bn = createModel('mnist_cnn', { norm: 'batch', rng: 0 });
    const normKeys = Object.keys(bn.stateDict()).filter((k) => /features\.(1|5)\./.test(k));
    expect(normKeys.sort()).toEqual(
      ['1', '5'].flatMap((i) =>
        ['bias', 'numBatchesTracked', 'runningMean', 'runningVar', 'weight'].map((k) => `features.${i}.${k}`),
      ),
    );
    expect(bn.numParameters() - plain.numParameters()).toBe(2 * (8 + 16));
    expect(bn.featureInfo().map((f) => f.module)).toEqual(['features.2', 'features.6']);
    expect(plain.featureInfo().map((f) => f.module)).toEqual(['features.1', 'features.4']);
    // The convs draw the same initial weights with or without the norm.
    expect(await param(bn, 'features.4.weight')?.data()).toEqual(
      await param(plain, 'features.3.weight')?.data(),
    );
    const rebuilt = createModel(bn.toConfig());
    expect(rebuilt.featureInfo()).toEqual(bn.featureInfo());
    for (const m of [plain, bn, rebuilt]) m.dispose();
  });

  it('activation replaces every ReLU; dropRate adds dropout before the classifier', () => {
    const m = createModel('resnet18_cifar', { ...small, activation: 'gelu', dropRate: 0.2 });
    expect(modules(m).filter(([, x]) => x.className === 'ReLU')).toEqual([]);
    expect(modules(m).filter(([, x]) => x instanceof GELU).length).toBe(1 + 8);
    expect((modules(m).find(([n]) => n === 'drop')?.[1] as Dropout | undefined)?.options.p).toBe(0.2);
    const vgg = createModel('vgg13', { widthMultiplier: 1 / 32, dropRate: 0.1, rng: 0 });
    const drops = modules(vgg).filter(([, x]) => x instanceof Dropout) as [string, Dropout][];
    expect(drops.map(([n, d]) => [n, d.options.p])).toEqual([
      ['classifier.2', 0.1],
      ['classifier.5', 0.1],
    ]);
    m.dispose();
    vgg.dispose();
  });

  it('dropPathRate rises linearly over the blocks, from 0 at the first (timm)', () => {
    const m = createModel('resnet34', { ...small, dropPathRate: 0.3 });
    const rates = modules(m)
      .filter(([n]) => /^layer\d\.\d+$/.test(n))
      .map(
        ([, block]) =>
          (block.namedChildren().find(([n]) => n === 'dropPath')?.[1] as DropPath | undefined)?.options.p ??
          0,
      );
    expect(rates).toHaveLength(16);
    expect(rates[0]).toBe(0);
    expect(rates[15]).toBeCloseTo(0.3, 12);
    expect(rates[5]).toBeCloseTo(0.1, 12);
    m.dispose();
  });

  it("zeroInitResidual: each block's last norm starts at weight 0, so every block starts as its shortcut", async () => {
    const basic = createModel('resnet18', { ...small, zeroInitResidual: true });
    const bottleneck = createModel('resnet50', { ...small, zeroInitResidual: true });
    expect(Array.from((await param(basic, 'layer2.1.bn2.weight')?.data()) ?? [1])).toEqual([
      0, 0, 0, 0, 0, 0, 0, 0,
    ]);
    expect((await param(bottleneck, 'layer1.0.bn3.weight')?.data())?.every((v) => v === 0)).toBe(true);
    expect((await param(bottleneck, 'layer1.0.bn2.weight')?.data())?.every((v) => v === 1)).toBe(true);
    basic.dispose();
    bottleneck.dispose();
  });

  it("initialization is torchvision's: conv weights N(0, 2/fan-out), VGG linears N(0, 0.01) with zero bias", async () => {
    const m = createModel('vgg11', { widthMultiplier: 1 / 4, rng: 7 });
    const std = async (name: string) => {
      const data = await param(m, name)?.data();
      if (!data) throw new Error(name);
      const v = Array.from(data);
      const mean = v.reduce((a, b) => a + b, 0) / v.length;
      return Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
    };
    // features.6: a 3×3 conv to 64 channels (256/4): fan-out 9·64, std √(2/576) ≈ 0.059.
    expect(await std('features.6.weight')).toBeCloseTo(Math.sqrt(2 / (9 * 64)), 2);
    expect(await std('classifier.0.weight')).toBeCloseTo(0.01, 3);
    expect((await param(m, 'classifier.0.bias')?.data())?.every((v) => v === 0)).toBe(true);
    expect((await param(m, 'features.0.bias')?.data())?.every((v) => v === 0)).toBe(true);
    m.dispose();
  });

  it('a numeric rng makes the weights reproducible; different seeds differ', async () => {
    const a = createModel('resnet20_cifar', { rng: 3 });
    const b = createModel('resnet20_cifar', { rng: 3 });
    const c = createModel('resnet20_cifar', { rng: 4 });
    const w = async (m: ZooModel) => Array.from((await param(m, 'layer2.0.conv1.weight')?.data()) ?? []);
    expect(await w(a)).toEqual(await w(b));
    expect(await w(a)).not.toEqual(await w(c));
    for (const m of [a, b, c]) m.dispose();
  });

  it('inChannels and widthMultiplier shape the model; errors name the model and option', () => {
    const m = createModel('resnet18_mnist', { widthMultiplier: 0.5, rng: 0 });
    expect(param(m, 'conv1.weight')?.shape).toEqual([3, 3, 1, 32]);
    const x = new Rng(0).normalTensor([2, 28, 28, 3]);
    expect(() => m.call(x)).toThrow(
      /ResNet\(basic, \[2,2,2,2\]\): expected input \[N, H, W, 1\] \(NHWC\), got \[2, 28, 28, 3\]/,
    );
    expect(() => createModel('mnist_cnn').call(x)).toThrow(/MnistCnn: expected input \[N, H, W, 1\]/);
    dispose(x);
    m.dispose();
    expect(() => createModel('resnet18', { layers: [] })).toThrow(/ResNet: layers must list the blocks/);
    expect(() => createModel('alexnet', { dropRate: 2 })).toThrow(
      /AlexNet: dropRate must be a probability in \[0, 1\], got 2/,
    );
    expect(() => createModel('resnet18', { numClasses: -1 })).toThrow(
      /ResNet: numClasses \(0: no classifier\) must be >= 0, got -1/,
    );
    expect(() => createModel('vgg11', { layers: ['M'] })).toThrow(/VGG: layers must list conv widths/);
  });

  it('a missing options object, a bad seed and a disposed model are named, not raw TypeErrors', () => {
    expect(() => new ResNet(undefined as never)).toThrow(
      'ResNet: needs an options object { block, layers, ... }, got undefined',
    );
    expect(() => new VGG(null as never)).toThrow('VGG: needs an options object { layers, ... }, got null');
    expect(() => new AlexNet(null as never)).toThrow('AlexNet: needs an options object { ... }, got null');
    expect(() => new MnistCnn(null as never)).toThrow('MnistCnn: needs an options object { ... }, got null');
    expect(() => new BasicBlock(undefined as never)).toThrow(
      'BasicBlock: needs an options object { inChannels, planes, ... }, got undefined',
    );
    expect(() => new Bottleneck(null as never)).toThrow(
      'Bottleneck: needs an options object { inChannels, planes, ... }',
    );
    expect(() => createModel('resnet18_cifar', { ...small, rng: 1.5 })).toThrow(
      'ResNet: rng must be an integer seed in [0, 2^32), got 1.5',
    );
    expect(() => createModel('vgg11', { widthMultiplier: 1 / 32, rng: 'abc' as never })).toThrow(
      "VGG: rng must be an Rng or an integer seed in [0, 2^32), got 'abc'",
    );
    expect(() => new BasicBlock({ inChannels: 4, planes: 4, rng: -1 })).toThrow(
      'BasicBlock: rng must be an integer seed in [0, 2^32), got -1',
    );
    const m = createModel('mnist_cnn', { rng: 0 });
    m.dispose();
    const x = new Rng(0).normalTensor([1, 28, 28, 1]);
    expect(() => m.call(x)).toThrow('MnistCnn.call(): this module was disposed');
    x.dispose();
  });
});
