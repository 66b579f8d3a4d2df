import { useBackend } from '@convkit/backend/testing';
import { coreModules, Sequential, Softmax } from '@convkit/core';
import { registerNorms } from '@convkit/norms';
import { registerRegularization } from '@convkit/regularization';
import { describe, expect, it } from 'vitest';
import {
  BasicBlock,
  createModel,
  listModels,
  modelInfo,
  modelRegistry,
  registerModel,
  registerModels,
} from './index';
import { closestNames, globToRegExp } from './names';
import { ModelRegistry } from './registry';
import { RESNET, resNet } from './resnet';
import { createModelRegistry } from './zoo';

const TORCHVISION = [
  'alexnet',
  'resnet18',
  'resnet34',
  'resnet50',
  'resnet101',
  'resnet152',
  'resnext50_32x4d',
  'vgg11',
  'vgg11_bn',
  'vgg13',
  'vgg13_bn',
  'vgg16',
  'vgg16_bn',
  'vgg19',
  'vgg19_bn',
  'wide_resnet50_2',
];

describe('names', () => {
  it('globs: *, ? and [set], whole name, case-insensitive', () => {
    expect(globToRegExp('resnet*').test('resnet18_cifar')).toBe(true);
    expect(globToRegExp('resnet?').test('resnet18')).toBe(false);
    expect(globToRegExp('vgg1[13]').test('vgg13')).toBe(true);
    expect(globToRegExp('vgg1[13]').test('vgg16')).toBe(false);
    expect(globToRegExp('VGG11').test('vgg11')).toBe(true);
    expect(globToRegExp('a.b').test('axb'), 'dots are literal').toBe(false);
  });

  it('closest names: edit distance and substrings, best first', () => {
    expect(closestNames('resnet19', ['resnet18', 'resnet101', 'vgg19'])).toEqual(['resnet18', 'resnet101']);
    expect(closestNames('cifar', ['resnet18_cifar', 'alexnet'])).toEqual(['resnet18_cifar']);
    expect(closestNames('mobilenet_v3', ['alexnet', 'vgg11'])).toEqual([]);
  });
});

describe('model registry', () => {
  useBackend('cpu');

  it('holds every torchvision architecture under its torchvision name, and the small-image models', () => {
    for (const name of TORCHVISION) expect(modelInfo(name).torchvision).toBe(name);
    expect(listModels('*_cifar')).toEqual([
      'resnet18_cifar',
      'resnet20_cifar',
      'resnet34_cifar',
      'resnet50_cifar',
      'resnet56_cifar',
    ]);
    expect(listModels('*mnist*')).toEqual(['mnist_cnn', 'resnet18_mnist', 'resnet20_mnist']);
  });

  it('lists names in natural order and filters by globs', () => {
    expect(listModels('resnet[0-9]*').slice(0, 5)).toEqual([
      'resnet18',
      'resnet18_cifar',
      'resnet18_mnist',
      'resnet20_cifar',
      'resnet20_mnist',
    ]);
    expect(listModels('vgg*_bn')).toEqual(['vgg11_bn', 'vgg13_bn', 'vgg16_bn', 'vgg19_bn']);
    expect(listModels(['alexnet', 'vgg11'])).toEqual(['alexnet', 'vgg11']);
    expect(listModels('nothing*')).toEqual([]);
  });

  it('modelInfo: input size, channels, mean/std, classes, params, MACs, paper — a copy', () => {
    const info = modelInfo('resnet50');
    expect(info).toMatchObject({
      name: 'resnet50',
      inputSize: [224, 224, 3],
      mean: [0.485, 0.456, 0.406],
      std: [0.229, 0.224, 0.225],
      numClasses: 1000,
      params: 25_557_032,
      torchvision: 'resnet50',
    });
    expect(info.paper.url).toMatch(/^https:\/\//);
    info.inputSize[0] = 1;
    expect(modelInfo('resnet50').inputSize[0]).toBe(224);
    expect(modelInfo('resnet18_cifar')).toMatchObject({ inputSize: [32, 32, 3], numClasses: 10 });
    expect(modelInfo('mnist_cnn')).toMatchObject({ inputSize: [28, 28, 1], mean: [0.1307], params: 11_274 });
  });

  it('an unknown name throws with the closest known names', () => {
    expect(() => createModel('resnet19')).toThrow(/unknown model 'resnet19' \(did you mean 'resnet18', /);
    expect(() => modelInfo('vgg_16')).toThrow(/did you mean 'vgg16'/);
    expect(() => createModel('transformer')).toThrow(/unknown model 'transformer'; listModels\(\) gives all/);
  });

  it('a duplicate name throws; registerModel adds to the package registry', () => {
    const registry = createModelRegistry();
    const entry = { ...RESNET.models[0] };
    expect(() => registry.register(entry)).toThrow(/'resnet18' is already registered/);
    expect(() => registry.registerFamily(RESNET)).toThrow(/architecture 'ResNet' is already registered/);
    expect(() => registry.register({ ...entry, name: 'bad name' })).toThrow(/model name/);

    const name = `resnet10_test_${Date.now()}`;
    registerModel({ ...entry, name, create: (o) => resNet({ block: 'basic', layers: [1, 1, 1, 1] }, o) });
    expect(listModels(name)).toEqual([name]);
    expect(() => registerModel({ ...entry, name })).toThrow(/already registered/);
    const m = createModel(name, { numClasses: 3, widthMultiplier: 1 / 16, rng: 0 });
    expect(m.numClasses).toBe(3);
    m.dispose();
    // Explicit instances: the package registry's additions are not in a new one.
    expect(createModelRegistry().has(name)).toBe(false);
    expect(new ModelRegistry().list()).toEqual([]);
  });

  it('options override the entry defaults; unknown options throw with the closest known ones', () => {
    const m = createModel('resnet18_cifar', {
      numClasses: 7,
      inChannels: 1,
      widthMultiplier: 1 / 16,
      rng: 0,
    });
    expect(m.numClasses).toBe(7);
    expect(m.toConfig().config).toMatchObject({ stem: 'small', inChannels: 1, numClasses: 7 });
    m.dispose();
    expect(() => createModel('resnet18', { dropPathRat: 0.1 } as never)).toThrow(
      /ResNet: unknown option 'dropPathRat' \(did you mean 'dropPathRate'\?\)/,
    );
    expect(() => createModel('vgg11', { widthMultiplier: 0 })).toThrow(
      /VGG: widthMultiplier must be > 0, got 0/,
    );
    expect(() => createModel('resnet18', { norm: 'batchnorm' as never, widthMultiplier: 1 / 16 })).toThrow(
      /unknown norm 'batchnorm'/,
    );
  });

  it('create(config) rebuilds from toConfig(); an unknown architecture throws with the known ones', () => {
    const m = createModel('vgg11_bn', { widthMultiplier: 1 / 32, numClasses: 4, rng: 5 });
    const config = m.toConfig();
    expect(config).toMatchObject({ className: 'VGG', config: { norm: 'batch', numClasses: 4, rng: 5 } });
    const copy = modelRegistry.create(config);
    expect(copy.toConfig()).toEqual(config);
    expect(Object.keys(copy.stateDict())).toEqual(Object.keys(m.stateDict()));
    dispose2(m, copy);
    expect(() => createModel({ className: 'VGGG', config: {} })).toThrow(
      /unknown architecture 'VGGG' \(did you mean 'VGG'\?\); known: AlexNet, VGG, ResNet, MnistCnn/,
    );
  });

  it('a family of another specification version is refused', () => {
    expect(() => new ModelRegistry().registerFamily({ ...RESNET, specificationVersion: 2 as 1 })).toThrow(
      /specificationVersion 2/,
    );
  });
});

function dispose2(...models: { dispose(): void }[]): void {
  for (const m of models) m.dispose();
}

describe('registerModels', () => {
  useBackend('cpu');

  it('lets a core ModuleRegistry rebuild zoo models and blocks, also inside containers', () => {
    const registry = registerModels(registerRegularization(registerNorms(coreModules())));
    expect(registry.has('ResNet') && registry.has('VGG') && registry.has('BasicBlock')).toBe(true);
    const net = new Sequential(
      createModel('resnet18_cifar', { widthMultiplier: 1 / 16, rng: 0 }),
      new Softmax(),
    );
    const copy = registry.fromConfig(net.toConfig());
    expect(copy.toConfig()).toEqual(net.toConfig());
    expect(Object.keys(copy.stateDict())).toEqual(Object.keys(net.stateDict()));
    const block = new BasicBlock({ inChannels: 4, planes: 8, stride: 2, rng: 1 });
    expect(registry.fromConfig(block.toConfig()).toConfig()).toEqual(block.toConfig());
    expect(() => registerModels(registry)).toThrow(/already registered/);
    for (const m of [net, copy, block]) m.dispose();
  });
});
