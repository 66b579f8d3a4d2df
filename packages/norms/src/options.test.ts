import { useBackend } from '@convkit/backend/testing';
import { memory } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { BatchNorm, BatchNorm1d, BatchNorm2d } from './batch-norm';
import { GroupNorm } from './group-norm';
import { InstanceNorm2d } from './instance-norm';
import { LayerNorm, LayerNorm2d } from './layer-norm';

describe('norm options are checked at construction', () => {
  useBackend('cpu');

  const running = [
    ['BatchNorm', (o: object) => new BatchNorm({ numFeatures: 2, ...o })],
    ['BatchNorm1d', (o: object) => new BatchNorm1d({ numFeatures: 2, ...o })],
    ['BatchNorm2d', (o: object) => new BatchNorm2d({ numFeatures: 2, ...o })],
    ['InstanceNorm2d', (o: object) => new InstanceNorm2d({ numFeatures: 2, ...o })],
  ] as const;
  const all = [
    ...running,
    ['GroupNorm', (o: object) => new GroupNorm({ numGroups: 1, numChannels: 2, ...o })],
    ['LayerNorm', (o: object) => new LayerNorm({ normalizedShape: [2], ...o })],
    ['LayerNorm2d', (o: object) => new LayerNorm2d({ numChannels: 2, ...o })],
  ] as const;

  it('eps must be a finite number > 0 (0, negative or NaN gave NaN outputs)', () => {
    const before = memory().numTensors;
    for (const [name, make] of all) {
      for (const eps of [0, -1e-5, Number.NaN, Number.POSITIVE_INFINITY]) {
        expect(() => make({ eps }), `${name} eps ${eps}`).toThrow(
          new RegExp(`^${name}: eps must be .*> 0, got ${eps}$`),
        );
      }
      make({ eps: 1e-3 }).dispose();
    }
    expect(memory().numTensors).toBe(before);
  });

  it('momentum must be null or a number in [0, 1]', () => {
    for (const [name, make] of running) {
      for (const momentum of [Number.NaN, -0.1, 1.5]) {
        expect(() => make({ momentum }), `${name} momentum ${momentum}`).toThrow(`${name}: momentum must be`);
      }
      expect(() => make({ momentum: 1.5 })).toThrow(`${name}: momentum must be in [0, 1], got 1.5`);
      for (const momentum of [0, 1, 0.5]) make({ momentum }).dispose();
    }
    new BatchNorm2d({ numFeatures: 2, momentum: null }).dispose();
  });

  it('a missing or non-object options argument is named, with the options needed', () => {
    const ctors = [
      ['BatchNorm2d', () => new BatchNorm2d(undefined as never), '{ numFeatures, ... }'],
      ['InstanceNorm2d', () => new InstanceNorm2d(null as never), '{ numFeatures, ... }'],
      ['GroupNorm', () => new GroupNorm(undefined as never), '{ numGroups, numChannels, ... }'],
      ['LayerNorm', () => new LayerNorm(7 as never), '{ normalizedShape, ... }'],
      ['LayerNorm2d', () => new LayerNorm2d(undefined as never), '{ numChannels, ... }'],
    ] as const;
    for (const [name, make, shape] of ctors) {
      expect(make).toThrow(`${name}: needs an options object ${shape}, got`);
    }
  });
});
