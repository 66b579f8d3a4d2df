import { Rng } from '@convkit/backend';
import { useBackend } from '@convkit/backend/testing';
import { memory } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ELU } from '../activations/elu';
import { GELU } from '../activations/gelu';
import { LeakyReLU } from '../activations/leaky-relu';
import { Softmax } from '../activations/softmax';
import { AdaptiveAvgPool2d } from './adaptive-avg-pool2d';
import { AvgPool2d } from './avg-pool2d';
import { Conv2d } from './conv2d';
import { Flatten } from './flatten';
import { Linear } from './linear';
import { MaxPool2d } from './max-pool2d';
import { layerRng, seedConfig } from './options';
import { Sequential } from './sequential';

describe('layer options are checked at construction', () => {
  useBackend('cpu');

  it('seeds are integers in [0, 2^32): 1.5, -1 and 2^32 aliased other seeds', () => {
    const before = memory().numTensors;
    for (const rng of [1.5, -1, 2 ** 32, Number.NaN]) {
      expect(() => new Linear({ inFeatures: 2, outFeatures: 2, rng })).toThrow(
        `Linear(2→2): rng must be an integer seed in [0, 2^32), got ${rng}`,
      );
      expect(() => new Conv2d({ inChannels: 1, outChannels: 2, kernelSize: 1, rng })).toThrow(
        `Conv2d(1→2): rng must be an integer seed in [0, 2^32), got ${rng}`,
      );
      expect(() => layerRng(rng, 'MyLayer')).toThrow('MyLayer: rng must be an integer seed');
      expect(() => seedConfig(rng, 'MyLayer')).toThrow('MyLayer: rng must be an integer seed');
    }
    expect(memory().numTensors).toBe(before);
    const top = new Linear({ inFeatures: 2, outFeatures: 2, rng: 2 ** 32 - 1 });
    expect(top.options.rng).toBe(2 ** 32 - 1);
    top.dispose();
    expect(seedConfig(new Rng(1))).toEqual({});
    expect(seedConfig(7)).toEqual({ rng: 7 });
  });

  it("rng: 'abc' is named, instead of a TypeError deep in the initializer", () => {
    expect(() => new Linear({ inFeatures: 2, outFeatures: 2, rng: 'abc' as never })).toThrow(
      "Linear(2→2): rng must be an Rng or an integer seed in [0, 2^32), got 'abc'",
    );
    expect(() => new Conv2d({ inChannels: 1, outChannels: 1, kernelSize: 1, rng: {} as never })).toThrow(
      'Conv2d(1→1): rng must be an Rng or an integer seed',
    );
  });

  it("padding 'foo' / 'SAME' fails at construction, naming the layer and listing the valid values", () => {
    const conv = (padding: unknown) => () =>
      new Conv2d({ inChannels: 3, outChannels: 8, kernelSize: 3, padding: padding as 'same' });
    expect(conv('foo')).toThrow(
      "Conv2d(3→8): padding must be one of 'same', 'valid' or a number or [h, w], got 'foo'",
    );
    expect(conv('SAME')).toThrow("got 'SAME' (did you mean 'same'?)");
    expect(conv(-1)).toThrow('Conv2d(3→8): padding must be a non-negative integer or [h, w], got -1');
    expect(() => new MaxPool2d({ kernelSize: 2, padding: 'Valid' as 'valid' })).toThrow(
      "MaxPool2d(2): padding must be one of 'same', 'valid' or a number or [h, w], got 'Valid' (did you mean 'valid'?)",
    );
    expect(() => new AvgPool2d({ kernelSize: 2, padding: 'x' as 'valid' })).toThrow('AvgPool2d(2): padding');
    const ok = conv('same')();
    ok.dispose();
  });

  it('a layer built with no options object says which options it needs', () => {
    const none = undefined as never;
    expect(() => new Conv2d(none)).toThrow(
      'Conv2d: needs an options object { inChannels, outChannels, kernelSize, ... }, got undefined',
    );
    expect(() => new Linear(none)).toThrow(
      'Linear: needs an options object { inFeatures, outFeatures, ... }',
    );
    expect(() => new MaxPool2d(none)).toThrow('MaxPool2d: needs an options object { kernelSize, ... }');
    expect(() => new AvgPool2d(null as never)).toThrow(
      'AvgPool2d: needs an options object { kernelSize, ... }, got null',
    );
    for (const [name, make] of [
      ['ELU', () => new ELU(null as never)],
      ['GELU', () => new GELU(null as never)],
      ['LeakyReLU', () => new LeakyReLU(null as never)],
      ['Softmax', () => new Softmax(null as never)],
      ['Flatten', () => new Flatten(null as never)],
      ['AdaptiveAvgPool2d', () => new AdaptiveAvgPool2d(null as never)],
    ] as const) {
      expect(make).toThrow(`${name}: needs an options object { ... }, got null`);
    }
  });

  it('a container given a class or factory instead of a module says so', () => {
    expect(() => new Sequential(Linear as never)).toThrow(
      "Sequential.addModule('0'): not a Module, got Linear (a class or function, not an instance: call it first?)",
    );
    expect(() => new Sequential({} as never)).toThrow("Sequential.addModule('0'): not a Module, got Object");
  });
});
