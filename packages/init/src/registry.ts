import type { Rng } from '@convkit/backend';
import type { Tensor } from '@tensorflow/tfjs-core';
import { constant, ones, zeros } from './initializers/constant';
import { kaimingNormal, kaimingUniform } from './initializers/kaiming';
import { normal } from './initializers/normal';
import { orthogonal } from './initializers/orthogonal';
import { truncatedNormal } from './initializers/truncated-normal';
import type { Initializer } from './initializers/types';
import { uniform } from './initializers/uniform';
import { xavierNormal, xavierUniform } from './initializers/xavier';

/** The built-in initializers, keyed by name. Names are the camelCase function names. */
export const INITIALIZERS = Object.freeze({
  zeros,
  ones,
  constant,
  normal,
  uniform,
  truncatedNormal,
  xavierUniform,
  xavierNormal,
  kaimingUniform,
  kaimingNormal,
  orthogonal,
});

/** The name of a built-in initializer. */
export type InitializerName = keyof typeof INITIALIZERS;

/** The options type of a built-in initializer. */
export type InitializerOptions<N extends InitializerName> = NonNullable<
  Parameters<(typeof INITIALIZERS)[N]>[2]
>;

/** An initializer by name, with options: what a layer's config stores. */
export type InitializerSpec = string | { name: string; options?: Record<string, unknown> };

// Names from PyTorch and Keras, mapped to ours for error hints only: convkit has one name per initializer.
const HINTS: Record<string, string> = {
  trunc_normal: 'truncatedNormal',
  truncated_normal: 'truncatedNormal',
  glorot_uniform: 'xavierUniform',
  glorot_normal: 'xavierNormal',
  he_uniform: 'kaimingUniform',
  he_normal: 'kaimingNormal',
};

/**
 * A name → initializer table. Explicit instances: nothing registers itself on import.
 * `register` throws on a duplicate name, `get` on an unknown one (listing the known names).
 *
 * @example
 * const registry = createInitializerRegistry(); // the built-ins
 * registry.register('scaledNormal', (shape, rng) => normal(shape, rng, { std: 0.02 }));
 * const w = registry.get('scaledNormal')([64, 64], 42);
 */
export class InitializerRegistry {
  private readonly table = new Map<string, Initializer>();

  /** Adds `init` under `name`; throws if the name is taken. */
  register(name: string, init: Initializer): this {
    if (typeof name !== 'string' || name.length === 0) {
      throw new Error(`InitializerRegistry: name must be a non-empty string`);
    }
    if (typeof init !== 'function') throw new Error(`InitializerRegistry: '${name}' must be a function`);
    if (this.table.has(name)) throw new Error(`InitializerRegistry: '${name}' is already registered`);
    this.table.set(name, init);
    return this;
  }

  /** The initializer called `name`; throws with the known names if there is none. */
  get(name: string): Initializer {
    const init = this.table.get(name);
    if (init === undefined) throw new Error(unknownName(name, this.names()));
    return init;
  }

  has(name: string): boolean {
    return this.table.has(name);
  }

  /** The registered names, in registration order. */
  names(): string[] {
    return [...this.table.keys()];
  }
}

/** A new registry holding the built-in initializers (`INITIALIZERS`), ready for more. */
export function createInitializerRegistry(): InitializerRegistry {
  const registry = new InitializerRegistry();
  for (const [name, init] of Object.entries(INITIALIZERS)) registry.register(name, init);
  return registry;
}

/**
 * A built-in initializer by name (`'kaimingNormal'`, `'xavierUniform'`, ...); throws on unknown names
 * with the list of known ones. For your own initializers, use an `InitializerRegistry`.
 *
 * @example
 * const w = getInitializer('kaimingNormal')([3, 3, 16, 32], 42, { nonlinearity: 'relu' });
 */
export function getInitializer<N extends InitializerName>(name: N): (typeof INITIALIZERS)[N];
export function getInitializer(name: string): Initializer;
export function getInitializer(name: string): Initializer {
  if (typeof name === 'string' && Object.hasOwn(INITIALIZERS, name)) {
    return INITIALIZERS[name as InitializerName] as Initializer;
  }
  throw new Error(unknownName(name, Object.keys(INITIALIZERS)));
}

/**
 * Turns a spec (a name, or `{ name, options }`) into a function of (shape, rng) with the options bound.
 * Looks names up in `registry` (default: the built-ins).
 *
 * @example
 * const init = resolveInitializer({ name: 'kaimingUniform', options: { a: Math.sqrt(5) } });
 * const w = init([3, 3, 16, 32], rng);
 */
export function resolveInitializer(
  spec: InitializerSpec,
  registry?: InitializerRegistry,
): (shape: readonly number[], rng: number | Rng) => Tensor {
  const { name, options } = typeof spec === 'string' ? { name: spec, options: undefined } : spec;
  const init = registry ? registry.get(name) : getInitializer(name);
  return (shape, rng) => init(shape, rng, options);
}

function unknownName(name: unknown, known: string[]): string {
  const key = String(name);
  const camel = key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  const guess = HINTS[key] ?? (known.includes(camel) ? camel : undefined);
  const hint = guess !== undefined && known.includes(guess) ? ` (did you mean '${guess}'?)` : '';
  return `Unknown initializer '${key}'${hint}; known initializers: ${known.join(', ')}`;
}
