import { InvalidArgumentError } from 'commander';
import { choice, int, logUniform, type ParamSpec, uniform } from '../search/space';

/** A bad value in the command line (an unknown model or data set name…): printed, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** commander parsers: each throws InvalidArgumentError with the rule, which commander prints with the option. */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isInteger(n) || n < 1) {
    throw new InvalidArgumentError('must be an integer ≥ 1.');
  }
  return n;
}

/** An integer ≥ `min` (a parser for commander). */
export function intAtLeast(min: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isInteger(n) || n < min) {
      throw new InvalidArgumentError(`must be an integer ≥ ${min}.`);
    }
    return n;
  };
}

export function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isInteger(n))
    throw new InvalidArgumentError('must be an integer ≥ 0.');
  return n;
}

export function positiveNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0)
    throw new InvalidArgumentError('must be a number > 0.');
  return n;
}

export function nonNegativeNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0)
    throw new InvalidArgumentError('must be a number ≥ 0.');
  return n;
}

export function fraction(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !(n > 0 && n < 1)) throw new InvalidArgumentError('must be a number in (0, 1).');
  return n;
}

const SPACE_SYNTAX =
  'use name=log:LOW:HIGH, name=uniform:LOW:HIGH, name=int:LOW:HIGH, name=logint:LOW:HIGH or name=choice:A,B,…';

/** A `--param` value: `lr=log:1e-4:1e-1`, `dropout=uniform:0:0.5`, `width=int:8:64`, `optimizer=choice:SGD,AdamW`. */
export function parseParam(text: string): [string, ParamSpec] {
  const m = /^([A-Za-z_][\w]*)=(log|uniform|int|logint|choice):(.+)$/.exec(text.trim());
  if (m === null) throw new InvalidArgumentError(`'${text}': ${SPACE_SYNTAX}.`);
  const [, name, kind, rest] = m as unknown as [string, string, string, string];
  try {
    if (kind === 'choice') {
      const values = rest.split(',').map((v) => {
        const s = v.trim();
        if (s === 'true' || s === 'false') return s === 'true';
        return s !== '' && Number.isFinite(Number(s)) ? Number(s) : s;
      });
      return [name, choice(values)];
    }
    const bounds = rest.split(':').map((s) => (s.trim() === '' ? Number.NaN : Number(s)));
    if (bounds.length !== 2 || bounds.some((b) => !Number.isFinite(b))) {
      throw new Error(`needs two numbers LOW:HIGH, got '${rest}'`);
    }
    const [low, high] = bounds as [number, number];
    if (kind === 'log') return [name, logUniform(low, high)];
    if (kind === 'uniform') return [name, uniform(low, high)];
    return [name, int(low, high, { log: kind === 'logint' })];
  } catch (err) {
    throw new InvalidArgumentError(`'${text}': ${(err as Error).message}.`);
  }
}

/** Collects repeated `--param` options into a space (a name given twice is an error). */
export function collectParam(
  text: string,
  previous: Record<string, ParamSpec> | undefined,
): Record<string, ParamSpec> {
  const [name, spec] = parseParam(text);
  const space = { ...(previous ?? {}) };
  if (name in space) throw new InvalidArgumentError(`'${name}' is given twice.`);
  space[name] = spec;
  return space;
}
