import { Rng } from '@convkit/backend';
import { useBackend } from '@convkit/backend/testing';
import { crossEntropy, Sequential, sgdStep, valueAndGrads } from '@convkit/core';
import { BatchNorm2d } from '@convkit/norms';
import { dispose, memory, type Tensor, tensor1d } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createModel } from './index';
import type { ZooModel } from './model';
import { backboneHeadGroups, freeze, freezeNorms, resetClassifier, unfreeze } from './transfer';

const resnet = (seed = 0) =>
  createModel('resnet18', { widthMultiplier: 1 / 16, layers: [1, 1, 1, 1], rng: seed });
const x = () => new Rng(3).normalTensor([4, 32, 32, 3]);
const labels = () => tensor1d([0, 1, 2, 1], 'int32');
const norms = (m: ZooModel) => m.namedModules().filter(([, n]) => n instanceof BatchNorm2d);

async function values(ts: Tensor[]): Promise<number[][]> {
  return Promise.all(ts.map(async (t) => Array.from(await t.data())));
}

describe('transfer learning', () => {
  useBackend('cpu');

  it('resetClassifier: a fresh head of n outputs (0: pooled features), the old one disposed, the config follows', () => {
    const model = resnet();
    const input = x();
    const count = memory().numTensors;
    resetClassifier(model, 10, { rng: 1 });
    expect(memory().numTensors, 'old fc disposed').toBe(count - 2 + 2);
    const y = model.call(input);
    expect(y.shape).toEqual([4, 10]);
    expect(model.toConfig().config.numClasses).toBe(10);
    const copy = createModel(model.toConfig());
    expect(Object.keys(copy.stateDict())).toEqual(Object.keys(model.stateDict()));
    resetClassifier(model, 0);
    const f = model.call(input);
    expect(f.shape).toEqual([4, model.numFeatures]);
    expect(model.getClassifier().className).toBe('Identity');
    dispose([input, y, f]);
    copy.dispose();
    model.dispose();
    expect(() => resetClassifier(new Sequential(), 3)).toThrow(/Sequential is not a zoo model/);
  });

  it("VGG and AlexNet: only the classifier's last layer is new, the hidden layers keep their weights", async () => {
    for (const name of ['vgg11', 'alexnet']) {
      const model = createModel(name, { widthMultiplier: 1 / 32, rng: 0 });
      const hidden = model
        .namedParameters()
        .filter(([k]) => k.startsWith('classifier.') && !k.startsWith('classifier.6'));
      const kept = await values(hidden.map(([, p]) => p));
      model.resetClassifier(3, { rng: 2 });
      expect(
        model
          .namedParameters()
          .filter(([k]) => hidden.some(([h]) => h === k))
          .map(([, p]) => p),
      ).toEqual(hidden.map(([, p]) => p));
      expect(await values(hidden.map(([, p]) => p))).toEqual(kept);
      expect(model.getClassifier().toConfig().config).toMatchObject({ outFeatures: 3 });
      const input = new Rng(1).normalTensor([2, 64, 64, 3]);
      const y = model.eval().call(input);
      expect(y.shape).toEqual([2, 3]);
      dispose([input, y]);
      model.dispose();
    }
  });

  it('freeze(except fc): only fc trains; the backbone BatchNorms stay in eval mode through train() and keep their statistics', async () => {
    const model = resnet(1);
    const frozen = freeze(model, { except: ['fc'] });
    expect(frozen).not.toContain('fc.weight');
    expect(frozen.length).toBe(model.namedParameters().length - 2);
    model.train();
    expect(model.training).toBe(true);
    for (const [name, bn] of norms(model)) expect(bn.training, name).toBe(false);
    const stats = model.namedBuffers().map(([, b]) => b);
    const before = await values(stats);
    const params = model.namedParameters();
    const paramsBefore = await values(params.map(([, p]) => p));
    const input = x();
    const y = labels();
    const { loss, grads } = valueAndGrads(model, () => crossEntropy(model.call(input), y));
    expect(Object.keys(grads).sort()).toEqual(['fc.bias', 'fc.weight']);
    sgdStep(model, grads, 0.1);
    expect(await values(stats), 'running statistics unchanged').toEqual(before);
    const after = await values(params.map(([, p]) => p));
    params.forEach(([name], i) => {
      expect(after[i] !== paramsBefore[i] && after[i].some((v, j) => v !== paramsBefore[i][j]), name).toBe(
        name.startsWith('fc.'),
      );
    });
    dispose([input, y, loss, grads]);

    // unfreeze gives everything back; the norms follow train() again.
    expect(unfreeze(model).length).toBe(frozen.length);
    expect(model.trainableParameters().length).toBe(params.length);
    model.train();
    for (const [name, bn] of norms(model)) expect(bn.training, name).toBe(true);
    expect(() => freeze(model, { except: ['fx'] })).toThrow(
      /freeze: 'fx' selects nothing in ResNet \(children: conv1, bn1/,
    );
    model.dispose();
  });

  it('freeze with globs and module names; norms: false leaves the norms alone', () => {
    const model = resnet(2);
    freeze(model, { except: ['layer4', '*.bn2.*'], norms: false });
    const trainable = model
      .namedParameters()
      .filter(([, p]) => p.trainable)
      .map(([n]) => n);
    expect(trainable.every((n) => n.startsWith('layer4.') || /\.bn2\./.test(n))).toBe(true);
    expect(trainable).toContain('layer1.0.bn2.weight');
    expect(trainable).toContain('layer4.0.conv1.weight');
    model.train();
    for (const [name, bn] of norms(model)) expect(bn.training, name).toBe(true);
    model.dispose();
  });

  it('freezeNorms: eval mode held, affine frozen unless trainAffine', () => {
    const model = resnet(3);
    const names = freezeNorms(model, { except: ['layer4'] });
    expect(names).toContain('bn1');
    expect(names.some((n) => n.startsWith('layer4'))).toBe(false);
    model.train();
    for (const [name, bn] of norms(model)) expect(bn.training, name).toBe(name.startsWith('layer4'));
    expect(model.namedParameters().find(([n]) => n === 'bn1.weight')?.[1].trainable).toBe(false);
    expect(model.namedParameters().find(([n]) => n === 'conv1.weight')?.[1].trainable).toBe(true);
    unfreeze(model);
    const other = resnet(4);
    freezeNorms(other, { trainAffine: true });
    expect(other.trainableParameters().length).toBe(other.parameters().length);
    other.train();
    expect(norms(other).every(([, bn]) => !bn.training)).toBe(true);
    model.dispose();
    other.dispose();
  });

  it('backboneHeadGroups: backbone and head with their learning rates, split by weight decay, frozen parameters left out', () => {
    const model = resnet(5);
    const all = model.namedParameters().map(([n]) => n);
    const [backbone, head] = backboneHeadGroups(model, { backboneLr: 1e-4, headLr: 1e-2 });
    expect(backbone.lr).toBe(1e-4);
    expect(head).toMatchObject({ lr: 1e-2 });
    expect(head.params.map(([n]) => n)).toEqual(['fc.weight', 'fc.bias']);
    expect([...backbone.params, ...head.params].map(([n]) => n).sort()).toEqual([...all].sort());
    expect('weightDecay' in backbone).toBe(false);

    const groups = backboneHeadGroups(model, { backboneLr: 1e-4, headLr: 1e-2, weightDecay: 5e-4 });
    expect(groups.map((g) => [g.lr, g.weightDecay])).toEqual([
      [1e-4, 5e-4],
      [1e-4, 0],
      [1e-2, 5e-4],
      [1e-2, 0],
    ]);
    expect(groups[1].params.every(([n]) => /bn\d?\.|downsample\.1\.|bias$/.test(n))).toBe(true);
    expect(groups[2].params.map(([n]) => n)).toEqual(['fc.weight']);
    expect(groups[3].params.map(([n]) => n)).toEqual(['fc.bias']);

    freeze(model, { except: ['fc'] });
    expect(backboneHeadGroups(model, { headLr: 1e-3 })).toEqual([{ params: head.params, lr: 1e-3 }]);
    expect(backboneHeadGroups(model, { head: ['layer4', 'fc'] }).length).toBe(1);
    expect(() => backboneHeadGroups(new Sequential())).toThrow(/name its head/);
    model.dispose();
  });
});
