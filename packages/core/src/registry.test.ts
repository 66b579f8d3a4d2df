import { useBackend } from '@convkit/backend/testing';
import { describe, expect, it } from 'vitest';
import { Identity } from './layers/identity';
import { coreModules, ModuleRegistry } from './registry';

describe('ModuleRegistry', () => {
  useBackend('cpu');

  it('holds every core module, throws on duplicates and on unknown names with the known ones', () => {
    const registry = coreModules();
    expect(registry.names()).toEqual(
      [
        'AdaptiveAvgPool2d',
        'AvgPool2d',
        'Conv2d',
        'ELU',
        'Flatten',
        'GELU',
        'GlobalAvgPool2d',
        'Identity',
        'LeakyReLU',
        'Linear',
        'MaxPool2d',
        'ReLU',
        'Residual',
        'Sequential',
        'SiLU',
        'Sigmoid',
        'Softmax',
        'Tanh',
      ].sort(),
    );
    expect(() => registry.register('Identity', Identity)).toThrow(
      "ModuleRegistry: 'Identity' is already registered",
    );
    expect(() => registry.fromConfig({ className: 'BatchNorm2d', config: {} })).toThrow(
      /unknown module 'BatchNorm2d'; known: AdaptiveAvgPool2d, AvgPool2d, Conv2d/,
    );
  });

  it('is an explicit instance: a new registry is empty, others add their classes', () => {
    const registry = new ModuleRegistry();
    expect(registry.names()).toEqual([]);
    registry.register('MyIdentity', Identity);
    expect(registry.fromConfig({ className: 'MyIdentity', config: {} })).toBeInstanceOf(Identity);
    expect(coreModules().has('MyIdentity')).toBe(false);
  });

  it('register(cls) takes the name from the static className, and refuses a class without one', () => {
    const registry = new ModuleRegistry().register(Identity);
    expect(registry.names()).toEqual(['Identity']);
    expect(() => registry.register(Identity)).toThrow("'Identity' is already registered");
    class Unnamed extends Identity {}
    expect(() => registry.register(Unnamed)).toThrow(/Unnamed declares no static className/);
  });

  it('every registered name is its class name (configs round-trip through the registry)', () => {
    const registry = coreModules();
    for (const name of registry.names()) {
      const config =
        name === 'Sequential'
          ? { layers: [] }
          : name === 'Residual'
            ? { body: { className: 'Identity', config: {} } }
            : name === 'Conv2d'
              ? { inChannels: 1, outChannels: 1, kernelSize: 1 }
              : name === 'Linear'
                ? { inFeatures: 1, outFeatures: 1 }
                : name.endsWith('Pool2d') && !name.includes('Adaptive') && !name.includes('Global')
                  ? { kernelSize: 2 }
                  : {};
      const m = registry.fromConfig({ className: name, config });
      expect(m.className).toBe(name);
      expect(m.toConfig().className).toBe(name);
      m.dispose();
    }
  });
});
