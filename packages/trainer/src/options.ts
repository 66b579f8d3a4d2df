import { didYouMean } from './did-you-mean';

/** Bounds for {@link checkNumber}. */
export interface NumberRule {
  /** Smallest allowed value (inclusive). Default: no bound. */
  min?: number;
  /** Largest allowed value (inclusive). */
  max?: number;
  /** Values must be below this (exclusive), e.g. 1 for Adam's betas. */
  below?: number;
  /** Values must be above this (exclusive), e.g. 0 for a factor. */
  above?: number;
  /** Only integers. */
  integer?: boolean;
}

/** "≥ 0", "in [0, 1)", … for error messages. */
function describe(rule: NumberRule): string {
  const lo =
    rule.min !== undefined ? `[${rule.min}` : rule.above !== undefined ? `(${rule.above}` : undefined;
  const hi =
    rule.max !== undefined ? `${rule.max}]` : rule.below !== undefined ? `${rule.below})` : undefined;
  const kind = rule.integer ? 'an integer' : 'a finite number';
  if (lo !== undefined && hi !== undefined) return `${kind} in ${lo}, ${hi}`;
  if (lo !== undefined) return `${kind} ${rule.min !== undefined ? '>=' : '>'} ${rule.min ?? rule.above}`;
  if (hi !== undefined) return `${kind} ${rule.max !== undefined ? '<=' : '<'} ${rule.max ?? rule.below}`;
  return kind;
}

/**
 * Throws `"<who>: <key> must be <rule>, got <value>"` unless `value` is a finite number obeying `rule`
 * (NaN and ±Infinity always fail). Returns the value.
 *
 * @example
 * checkNumber('Adam', 'betas[0]', 1.2, { min: 0, below: 1 }); // Adam: betas[0] must be a finite number in [0, 1), got 1.2
 */
export function checkNumber(who: string, key: string, value: unknown, rule: NumberRule = {}): number {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (!rule.integer || Number.isInteger(value)) &&
    (rule.min === undefined || value >= rule.min) &&
    (rule.max === undefined || value <= rule.max) &&
    (rule.below === undefined || value < rule.below) &&
    (rule.above === undefined || value > rule.above);
  if (!ok) throw new Error(`${who}: ${key} must be ${describe(rule)}, got ${show(value)}`);
  return value as number;
}

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
