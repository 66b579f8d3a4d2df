import { describe, expect, it } from 'vitest';
import { type Backend, createBackendRegistry } from './backend';
import { builtinBackends } from './backends';

const fake = (name: string, priority: number): Backend => ({
  specificationVersion: 1,
  name,
  priority,
  kernels: [],
  isAvailable: async () => ({ available: true }),
  init: async () => {},
});

describe('BackendRegistry', () => {
  it('lists backends by priority, highest first', () => {
    const registry = createBackendRegistry([fake('low', 1), fake('high', 5), fake('mid', 3)]);
    expect(registry.names()).toEqual(['high', 'mid', 'low']);
    expect(registry.has('mid')).toBe(true);
    expect(registry.get('mid').priority).toBe(3);
  });

  it('orders the built-in backends webgpu, wasm, cpu', () => {
    expect(createBackendRegistry(builtinBackends).names()).toEqual(['webgpu', 'wasm', 'cpu']);
  });

  it('throws on a duplicate name', () => {
    const registry = createBackendRegistry([fake('a', 1)]);
    expect(() => registry.register(fake('a', 2))).toThrow(/already registered/);
  });

  it('throws on an unknown name, listing the known ones', () => {
    const registry = createBackendRegistry([fake('a', 1), fake('b', 2)]);
    expect(() => registry.get('c')).toThrow('unknown backend "c"; known backends: b, a');
    expect(() => registry.unregister('c')).toThrow(/known backends: b, a/);
  });

  it('unregisters by name', () => {
    const registry = createBackendRegistry([fake('a', 1), fake('b', 2)]);
    registry.unregister('a');
    expect(registry.names()).toEqual(['b']);
  });

  it('rejects a record with an unknown specificationVersion', () => {
    const future = { ...fake('x', 1), specificationVersion: 2 } as unknown as Backend;
    expect(() => createBackendRegistry([future])).toThrow(/specificationVersion 2/);
  });
});
