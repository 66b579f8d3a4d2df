// Argument checks shared by every convkit package (and handy for your own layers and ops). Each names
// `who` (the function or layer), the argument and the bad value in its message, and returns the value.

/** Options of {@link checkNumber}. */
export interface CheckNumberOptions {
  /** Smallest allowed value (inclusive). Default: none. */
  min?: number;
  /** Largest allowed value (inclusive). Default: none. */
  max?: number;
  /** Values must be greater than this (exclusive), e.g. 0 for a factor. Default: none. */
  above?: number;
  /** Values must be less than this (exclusive), e.g. 1 for Adam's betas. Default: none. */
  below?: number;
  /** Require an integer. Default false. */
  integer?: boolean;
}

/** The allowed range as words: ">= 0", "> 0", "in [0, 1)", "" when unbounded. */
function rangeText({ min, max, above, below }: CheckNumberOptions): string {
  const lo = min !== undefined ? `[${min}` : above !== undefined ? `(${above}` : undefined;
  const hi = max !== undefined ? `${max}]` : below !== undefined ? `${below})` : undefined;
  if (lo !== undefined && hi !== undefined) return `in ${lo}, ${hi}`;
  if (lo !== undefined) return min !== undefined ? `>= ${min}` : `> ${above}`;
  if (hi !== undefined) return max !== undefined ? `<= ${max}` : `< ${below}`;
  return '';
}

/**
 * Throws unless `value` is a finite number (an integer with `integer`) within the bounds given
 * (`min`/`max` inclusive, `above`/`below` exclusive); returns it. NaN and ±Infinity always fail.
 *
 * @example
 * const std = checkNumber('normal', 'std', options.std ?? 1, { min: 0 });
 * const beta = checkNumber('Adam', 'betas[0]', b, { min: 0, below: 1 }); // "must be a finite number in [0, 1)"
 */
export function checkNumber(
  who: string,
  name: string,
  value: unknown,
  options: CheckNumberOptions = {},
): number {
  const { min, max, above, below, integer = false } = options;
  const range = rangeText(options);
  if (typeof value !== 'number' || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
    const what = integer ? 'an integer' : 'a finite number';
    throw new Error(`${who}: ${name} must be ${what}${range ? ` ${range}` : ''}, got ${String(value)}`);
  }
  const inside =
    (min === undefined || value >= min) &&
    (max === undefined || value <= max) &&
    (above === undefined || value > above) &&
    (below === undefined || value < below);
  if (!inside) throw new Error(`${who}: ${name} must be ${range}, got ${value}`);
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
