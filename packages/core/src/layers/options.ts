import { Rng, toRng } from '@convkit/backend';

/**
 * The generator a layer's initial weights use when no `rng` is given: a fresh, unpredictable seed,
 * as PyTorch does without `manual_seed`, so that two layers of the same shape never start equal.
 * For reproducible weights pass one shared generator (`const rng = new Rng(seed)`) to every layer:
 * each then draws the next values of one reproducible stream.
 */
export function defaultRng(): Rng {
  return new Rng(globalThis.crypto.getRandomValues(new Uint32Array(1))[0]);
}

/** A layer's `rng` option as a generator: the given seed or `Rng`, else {@link defaultRng}. */
export function layerRng(rng: number | Rng | undefined): Rng {
  return rng === undefined ? defaultRng() : toRng(rng);
}

/**
 * The config form of an `rng` option, to spread into a layer's resolved options: a numeric seed is
 * kept (`{ rng: 7 }`), a generator (stateful) is not (`{}`).
 *
 * @example
 * this.options = { p, ...seedConfig(options.rng) };
 */
export function seedConfig(rng: number | Rng | undefined): { rng?: number } {
  return typeof rng === 'number' ? { rng } : {};
}

/** The config form of a `number | [h, w]` option (a fresh array, for JSON). */
export function tupleConfig(v: number | [number, number]): number | [number, number] {
  return typeof v === 'number' ? v : [v[0], v[1]];
}
