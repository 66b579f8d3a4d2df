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

/**
 * Throws unless `options` is an options object (not null, an array or a primitive); returns it, or
 * `{}` when it is `undefined` and nothing is `required`. `required` names the options the caller must
 * give, shown in the message (a layer constructed with no options object says what it needs).
 *
 * @example
 * const o = checkOptions('Conv2d', options, ['inChannels', 'outChannels', 'kernelSize']);
 * // new Conv2d() → "Conv2d: needs an options object { inChannels, outChannels, kernelSize, ... }, got undefined"
 */
export function checkOptions<T extends object>(
  who: string,
  options: T | undefined,
  required: readonly string[] = [],
): T {
  if (options === undefined && required.length === 0) return {} as T;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    const shape = required.length > 0 ? `{ ${required.join(', ')}, ... }` : '{ ... }';
    const got = Array.isArray(options) ? 'an array' : options === undefined ? 'undefined' : show(options);
    throw new Error(`${who}: needs an options object ${shape}, got ${got}`);
  }
  return options;
}

/**
 * Throws unless `value` is a seed: an integer in [0, 2³²) (the 32 bits an `Rng` is seeded with; 1.5,
 * −1 and 2³² would alias other seeds); returns it.
 *
 * @example
 * checkSeed('Rng', 'seed', 42);
 */
export function checkSeed(who: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new Error(`${who}: ${name} must be an integer seed in [0, 2^32), got ${show(value)}`);
  }
  return value;
}

/**
 * Throws unless `value` is one of `known`, with the closest known names ("did you mean") and the
 * whole list; returns it.
 *
 * @example
 * checkOneOf('Conv2d(3→16)', 'padding', 'SAME', ['same', 'valid']);
 * // "Conv2d(3→16): padding must be one of 'same', 'valid' (or a number, [h, w]), got 'SAME' (did you mean 'same'?)"
 */
export function checkOneOf<T extends string>(
  who: string,
  name: string,
  value: unknown,
  known: readonly T[],
  alternatives = '',
): T {
  if (typeof value === 'string' && (known as readonly string[]).includes(value)) return value as T;
  const close = typeof value === 'string' ? closestNames(value, known) : [];
  const hint = close.length > 0 ? ` (did you mean ${close.map((c) => `'${c}'`).join(', ')}?)` : '';
  const list = known.map((k) => `'${k}'`).join(', ');
  throw new Error(
    `${who}: ${name} must be one of ${list}${alternatives ? ` ${alternatives}` : ''}, got ${show(value)}${hint}`,
  );
}

/** Known names close to `name`: equal up to case and separators, a prefix, or a few edits away. */
function closestNames(name: string, known: readonly string[]): string[] {
  const fold = (s: string) => s.toLowerCase().replace(/[-_\s]/g, '');
  const f = fold(name);
  const same = known.filter((k) => fold(k) === f || (f.length >= 3 && fold(k).startsWith(f)));
  if (same.length > 0) return same;
  const limit = Math.max(1, Math.floor(f.length / 3));
  return known.filter((k) => editDistance(f, fold(k)) <= limit);
}

/** Levenshtein distance (insertions, deletions, substitutions), for names of a few dozen characters. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length];
}

/** A value as it reads in a message: strings quoted, functions by name, objects as JSON. */
function show(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'function') return `a function${value.name ? ` (${value.name})` : ''}`;
  if (typeof value === 'bigint') return `${value}n`;
  if (value === null || typeof value !== 'object') return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
