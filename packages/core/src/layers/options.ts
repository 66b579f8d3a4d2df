import { checkSeed, isRng, Rng, toRng } from '@convkit/backend';

/**
 * The generator a layer's initial weights use when no `rng` is given: a fresh, unpredictable seed,
 * as PyTorch does without `manual_seed`, so that two layers of the same shape never start equal.
 * For reproducible weights pass one shared generator (`const rng = new Rng(seed)`) to every layer:
 * each then draws the next values of one reproducible stream.
 */
export function defaultRng(): Rng {
  return new Rng(globalThis.crypto.getRandomValues(new Uint32Array(1))[0]);
}

/**
 * A layer's `rng` option as a generator: the given seed (an integer in [0, 2³²)) or `Rng`, else
 * {@link defaultRng}. Anything else throws, naming `who` (the layer): a seed like 1.5, −1 or 2³² would
 * silently alias another seed, and a string fails only later, deep in an initializer.
 *
 * @example
 * const rng = layerRng(options.rng, 'Conv2d');
 */
export function layerRng(rng: number | Rng | undefined, who = 'layerRng'): Rng {
  return rng === undefined ? defaultRng() : toRng(rng, who);
}

/**
 * The config form of an `rng` option, to spread into a layer's resolved options: a numeric seed is
 * kept (`{ rng: 7 }`), a generator (stateful) is not (`{}`). Checks the option as {@link layerRng}
 * does, so a layer that resolves its options first rejects a bad seed before building anything.
 *
 * @example
 * this.options = { p, ...seedConfig(options.rng, 'Dropout') };
 */
export function seedConfig(rng: number | Rng | undefined, who = 'seedConfig'): { rng?: number } {
  if (rng === undefined || isRng(rng)) return {};
  if (typeof rng === 'number') return { rng: checkSeed(who, 'rng', rng) };
  toRng(rng, who); // neither a seed nor a generator: throws, naming `who`
  return {};
}

/** The config form of a `number | [h, w]` option (a fresh array, for JSON). */
export function tupleConfig(v: number | [number, number]): number | [number, number] {
  return typeof v === 'number' ? v : [v[0], v[1]];
}
