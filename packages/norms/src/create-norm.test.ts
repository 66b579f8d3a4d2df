import { useBackend } from '@convkit/backend/testing';
import { Identity } from '@convkit/core';
import { describe, expect, it } from 'vitest';
import { BatchNorm2d } from './batch-norm';
import { createNorm, normNames } from './create-norm';
import { GroupNorm } from './group-norm';
import { InstanceNorm2d } from './instance-norm';
import { LayerNorm2d } from './layer-norm';

describe('createNorm', () => {
  useBackend('cpu');

  it('builds each norm of the table with the given options', () => {
    const built = normNames.map((name) => createNorm(name, 8, { numGroups: 4, eps: 1e-3 }));
    const [batch, layer, layer2d, instance, group, none] = built;
    expect(normNames).toEqual(['batch', 'layer', 'layer2d', 'instance', 'group', 'none']);
    expect(batch).toBeInstanceOf(BatchNorm2d);
    expect(batch.toConfig().config).toMatchObject({ numFeatures: 8, eps: 1e-3, momentum: 0.1 });
    expect(layer).toBeInstanceOf(GroupNorm);
    expect(layer.toConfig().config).toMatchObject({ numGroups: 1, numChannels: 8 });
    expect(layer2d).toBeInstanceOf(LayerNorm2d);
    expect(instance).toBeInstanceOf(InstanceNorm2d);
    expect(group.toConfig().config).toMatchObject({ numGroups: 4, numChannels: 8, eps: 1e-3 });
    expect(none).toBeInstanceOf(Identity);
    for (const m of built) m.dispose();
  });

  it('passes fused on to every norm (default true)', () => {
    for (const fused of [undefined, false]) {
      const built = normNames
        .filter((n) => n !== 'none')
        .map((name) => createNorm(name, 8, { numGroups: 4, fused }));
      for (const m of built) {
        expect(m.toConfig().config.fused, m.toConfig().className).toBe(fused ?? true);
        m.dispose();
      }
    }
  });

  it('defaults GroupNorm to 32 groups and rejects unknown names with the known ones', () => {
    const gn = createNorm('group', 64);
    expect(gn.toConfig().config).toMatchObject({ numGroups: 32 });
    gn.dispose();
    expect(() => createNorm('batchnorm' as never, 8)).toThrow(
      "createNorm: unknown norm 'batchnorm'; known: batch, layer, layer2d, instance, group, none",
    );
    expect(() => createNorm('toString' as never, 8)).toThrow('unknown norm');
  });
});
