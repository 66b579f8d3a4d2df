import type { Rng } from '@convkit/backend';
import { useBackend } from '@convkit/backend/testing';
import { describe, expect, it } from 'vitest';
import { normal } from './initializers/normal';
import {
  createInitializerRegistry,
  getInitializer,
  INITIALIZERS,
  InitializerRegistry,
  resolveInitializer,
} from './registry';
import { draw } from './test-helpers';

// Values are drawn in JavaScript, so the backend does not change them.
useBackend('cpu');

const NAMES = [
  'zeros',
  'ones',
  'constant',
  'normal',
  'uniform',
  'truncatedNormal',
  'xavierUniform',
  'xavierNormal',
  'kaimingUniform',
  'kaimingNormal',
  'orthogonal',
];

describe('getInitializer', () => {
  it('knows every built-in, and each makes a float32 tensor of the asked shape', () => {
    expect(Object.keys(INITIALIZERS)).toEqual(NAMES);
    for (const name of NAMES) {
      const { shape, dtype } = draw(() => getInitializer(name)([3, 3, 2, 4], 1));
      expect(shape).toEqual([3, 3, 2, 4]);
      expect(dtype).toBe('float32');
    }
  });

  it('throws on unknown names with the known ones, and hints PyTorch/Keras names', () => {
    expect(() => getInitializer('lecunNormal')).toThrow(
      /Unknown initializer 'lecunNormal'; known initializers: zeros, ones, constant, normal/,
    );
    expect(() => getInitializer('kaiming_normal')).toThrow(/did you mean 'kaimingNormal'/);
    expect(() => getInitializer('glorot_uniform')).toThrow(/did you mean 'xavierUniform'/);
    expect(() => getInitializer('trunc_normal')).toThrow(/did you mean 'truncatedNormal'/);
    expect(() => getInitializer('toString')).toThrow(/Unknown initializer 'toString'/);
  });
});

describe('InitializerRegistry', () => {
  it('registers, lists and throws on duplicates', () => {
    const registry = new InitializerRegistry();
    const small = (shape: readonly number[], rng: number | Rng) => normal(shape, rng, { std: 0.01 });
    registry.register('small', small);
    expect(registry.get('small')).toBe(small);
    expect(registry.has('small')).toBe(true);
    expect(registry.names()).toEqual(['small']);
    expect(() => registry.register('small', small)).toThrow(/'small' is already registered/);
    expect(() => registry.get('big')).toThrow(/Unknown initializer 'big'; known initializers: small/);
    expect(() => registry.register('', small)).toThrow(/non-empty string/);
  });

  it('createInitializerRegistry holds the built-ins and is independent of other registries', () => {
    const a = createInitializerRegistry();
    const b = createInitializerRegistry();
    expect(a.names()).toEqual(NAMES);
    expect(() => a.register('kaimingNormal', normal)).toThrow(/already registered/);
    a.register('mine', normal);
    expect(b.has('mine')).toBe(false);
    expect(() => getInitializer('mine')).toThrow(/Unknown initializer/);
  });
});

describe('resolveInitializer', () => {
  it('binds options from a spec', () => {
    const init = resolveInitializer({ name: 'constant', options: { value: 3 } });
    expect([...draw(() => init([2], 0)).data]).toEqual([3, 3]);
    const same = draw(() => resolveInitializer('kaimingUniform')([4, 4], 5)).data;
    expect(same).toEqual(draw(() => INITIALIZERS.kaimingUniform([4, 4], 5)).data);
  });

  it('looks names up in the given registry and passes option errors through', () => {
    const registry = createInitializerRegistry().register('three', (shape) =>
      INITIALIZERS.constant(shape, 0, { value: 3 }),
    );
    expect([...draw(() => resolveInitializer('three', registry)([1], 0)).data]).toEqual([3]);
    expect(() => resolveInitializer('three')).toThrow(/Unknown initializer 'three'/);
    expect(() =>
      resolveInitializer({ name: 'kaimingNormal', options: { mode: 'fan_out' } })([4, 4], 0),
    ).toThrow(/mode must be 'fanIn' or 'fanOut'/);
  });
});
