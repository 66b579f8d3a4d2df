import { useBackend } from '@convkit/backend/testing';
import { Conv2d, coreModules, Sequential } from '@convkit/core';
import { describe, expect, it } from 'vitest';
import { BatchNorm2d } from './batch-norm';
import { GroupNorm } from './group-norm';
import { LayerNorm } from './layer-norm';
import { registerNorms } from './registry';

describe('registerNorms', () => {
  useBackend('cpu');

  it('lets a registry rebuild a model containing norms from its config', () => {
    const registry = registerNorms(coreModules());
    expect(registry.has('BatchNorm2d') && registry.has('GroupNorm') && registry.has('LayerNorm2d')).toBe(
      true,
    );
    const net = new Sequential(
      new Conv2d({ inChannels: 3, outChannels: 4, kernelSize: 3 }),
      new BatchNorm2d({ numFeatures: 4, momentum: null }),
      new GroupNorm({ numGroups: 2, numChannels: 4, eps: 1e-3 }),
      new LayerNorm({ normalizedShape: [2, 2, 4], bias: false }),
    );
    const rebuilt = registry.fromConfig(net.toConfig());
    expect(rebuilt.toConfig()).toEqual(net.toConfig());
    expect(Object.keys(rebuilt.stateDict())).toEqual(Object.keys(net.stateDict()));
    expect(() => registerNorms(registry)).toThrow('already registered');
    net.dispose();
    rebuilt.dispose();
  });
});
