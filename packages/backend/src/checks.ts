// Argument checks shared by every convkit package (and handy for your own layers and ops). Each names
// `who` (the function or layer), the argument and the bad value in its message, and returns the value.

/** Options of {@link checkNumber}. */
export interface CheckNumberOptions {
  /** Smallest allowed value (inclusive). Default: none. */
  min?: number;
  /** Require an integer. Default false. */
  integer?: boolean;
}

/**
 * Throws unless `value` is a finite number (an integer with `integer`, at least `min` when given);
 * returns it.
 *
 * @example
 * const std = checkNumber('normal', 'std', options.std ?? 1, { min: 0 });
 */
export function checkNumber(
  who: string,
  name: string,
  value: unknown,
  options: CheckNumberOptions = {},
): number {
  const { min, integer = false } = options;
  if (typeof value !== 'number' || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
    const what = integer ? 'an integer' : 'a finite number';
    throw new Error(
      `${who}: ${name} must be ${what}${min === undefined ? '' : ` >= ${min}`}, got ${String(value)}`,
    );
  }
  if (min !== undefined && value < min) throw new Error(`${who}: ${name} must be >= ${min}, got ${value}`);
  return value;
}

/** Throws unless `value` is an integer ≥ 1; returns it. */
export function checkPositiveInt(who: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new Error(`${who}: ${name} must be a positive integer, got ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * Throws unless `value` is a probability in [0, 1]; returns it.
 *
 * @example
 * const p = checkProbability('Dropout', 'p', options.p ?? 0.5);
 */
export function checkProbability(who: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    throw new Error(`${who}: ${name} must be a probability in [0, 1], got ${String(value)}`);
  }
  return value;
}
