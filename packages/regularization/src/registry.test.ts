import { useBackend } from '@convkit/backend/testing';
import { coreModules, Linear, Sequential } from '@convkit/core';
import { describe, expect, it } from 'vitest';
import { DropPath } from './drop-path';
import { Dropout } from './dropout';
import { registerRegularization } from './registry';

describe('registerRegularization', () => {
  useBackend('cpu');

  it('lets a registry rebuild a model containing dropout layers from its config', () => {
    const registry = registerRegularization(coreModules());
    const net = new Sequential(
      new Linear({ inFeatures: 4, outFeatures: 3 }),
      new Dropout({ p: 0.2, scaling: 'test-time', rng: 5 }),
      new DropPath({ p: 0.1 }),
    );
    const rebuilt = registry.fromConfig(net.toConfig());
    expect(rebuilt.toConfig()).toEqual(net.toConfig());
    expect(registry.names()).toEqual(expect.arrayContaining(['AlphaDropout', 'SpatialDropout2d']));
    net.dispose();
    rebuilt.dispose();
  });
});
