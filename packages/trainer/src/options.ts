import { didYouMean } from './did-you-mean';

// Numbers are checked by @convkit/backend's shared `checkNumber`; these are the other option checks.

/** Throws unless `value` is a boolean. */
export function checkBoolean(who: string, key: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new Error(`${who}: ${key} must be true or false, got ${show(value)}`);
  return value;
}

/**
 * Throws on the first key of `options` that is not in `known`, naming the closest known key
 * (`weight_decay` → `weightDecay`) and listing them all.
 */
export function checkKeys(who: string, options: object, known: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new Error(`${who}: unknown option '${key}'${didYouMean(key, known)}; known: ${known.join(', ')}`);
    }
  }
}

/** A value as it reads in an error message. */
export function show(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  if (typeof value === 'string') return `'${value}'`;
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/** `options` without the keys whose value is undefined (so that they do not hide a default). */
export function dropUndefined<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * An optimizer's constructor options resolved: unknown keys refused (`known`: the keys of `defaults`
 * unless given), the defaults overridden by the hyperparameters given, and `fused` (default true).
 * The values are checked later, per group, by the optimizer's `checkOptions`.
 */
export function resolveOptimizerOptions<H extends object>(
  name: string,
  options: Partial<H> & { fused?: boolean },
  defaults: Partial<H>,
  known: readonly string[] = Object.keys(defaults),
): H & { fused: boolean } {
  const { fused, ...rest } = options ?? {};
  checkKeys(name, rest, known);
  const config = { ...defaults, ...dropUndefined(rest) } as H;
  return { ...config, fused: checkBoolean(name, 'fused', fused ?? true) };
}

/**
 * Checks the header of a state dict that `name` (an optimizer or a schedule, saved under `owner`)
 * loads: an object, version 1, saved by `name`.
 */
export function checkStateDictHeader(
  who: string,
  dict: unknown,
  owner: 'optimizer' | 'scheduler',
  name: string,
): void {
  if (dict === null || typeof dict !== 'object')
    throw new Error(`${who}: expected a state dict, got ${show(dict)}`);
  const { version, [owner]: savedBy } = dict as Record<string, unknown>;
  if (version !== 1) throw new Error(`${who}: unknown state dict version ${show(version)} (reads 1)`);
  if (savedBy !== name) throw new Error(`${who}: the state dict is ${show(savedBy)}'s, not ${name}'s`);
}
