import type { Rng } from '@convkit/backend';

/** A value a hyperparameter can take: JSON-safe, so a trial's parameters travel to workers and files as they are. */
export type ParamValue = number | string | boolean;

/** A sampled point of a search space: one value per hyperparameter. */
export type Params = Record<string, ParamValue>;

/**
 * One hyperparameter's distribution, a plain JSON record (saved with the search's results).
 *
 * - `logUniform`: log x uniform in [log low, log high) — scales such as learning rate and weight decay,
 *   where 1e-4 to 1e-3 matters as much as 1e-2 to 1e-1.
 * - `uniform`: x uniform in [low, high) — dropout, momentum, label smoothing.
 * - `int`: an integer in [low, high] (both ends included), uniform, or log-uniform with `log` (widths,
 *   batch sizes).
 * - `choice`: one of `values`, each equally likely (optimizer, activation, augmentation on/off).
 */
export type ParamSpec =
  | { kind: 'logUniform'; low: number; high: number }
  | { kind: 'uniform'; low: number; high: number }
  | { kind: 'int'; low: number; high: number; log: boolean }
  | { kind: 'choice'; values: ParamValue[] };

/** A search space: each hyperparameter's name and distribution. */
export type SearchSpace = Record<string, ParamSpec>;

function checkRange(fn: string, low: number, high: number, positive: boolean): void {
  if (!Number.isFinite(low) || !Number.isFinite(high) || !(high > low)) {
    throw new Error(`${fn}: need finite low < high, got low ${low}, high ${high}`);
  }
  if (positive && !(low > 0)) {
    throw new Error(`${fn}: a log scale needs low > 0, got low ${low} (use uniform for a range through 0)`);
  }
}

/**
 * A log-uniform distribution on [low, high): `exp(uniform(log low, log high))`, low > 0.
 *
 * @example
 * const space = { lr: logUniform(1e-4, 1e-1), weightDecay: logUniform(1e-6, 1e-2) };
 */
export function logUniform(low: number, high: number): ParamSpec {
  checkRange('logUniform', low, high, true);
  return { kind: 'logUniform', low, high };
}

/**
 * A uniform distribution on [low, high).
 *
 * @example
 * const space = { dropout: uniform(0, 0.5) };
 */
export function uniform(low: number, high: number): ParamSpec {
  checkRange('uniform', low, high, false);
  return { kind: 'uniform', low, high };
}

/**
 * An integer in [low, high], both included: uniform, or log-uniform with `{ log: true }` (then
 * `round(exp(uniform(log(low − 0.5), log(high + 0.5))))`, each integer with the weight of its log-width).
 *
 * @example
 * const space = { width: int(8, 64, { log: true }), epochs: int(1, 5) };
 */
export function int(low: number, high: number, options: { log?: boolean } = {}): ParamSpec {
  if (!Number.isInteger(low) || !Number.isInteger(high) || !(high >= low)) {
    throw new Error(`int: need integers low ≤ high, got low ${low}, high ${high}`);
  }
  const log = options.log ?? false;
  if (log && !(low > 0)) throw new Error(`int: a log scale needs low ≥ 1, got low ${low}`);
  return { kind: 'int', low, high, log };
}

/**
 * One of `values`, each equally likely.
 *
 * @example
 * const space = { optimizer: choice(['SGD', 'AdamW']), augment: choice([true, false]) };
 */
export function choice(values: readonly ParamValue[]): ParamSpec {
  if (values.length === 0) throw new Error('choice: needs at least one value');
  for (const v of values) {
    const ok =
      typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
    if (!ok) throw new Error(`choice: values must be finite numbers, strings or booleans, got ${String(v)}`);
  }
  if (new Set(values).size !== values.length)
    throw new Error(`choice: duplicate values in [${values.join(', ')}]`);
  return { kind: 'choice', values: [...values] };
}

/** Checks a space built by hand (or read from JSON), naming the parameter at fault. */
export function checkSpace(space: SearchSpace): void {
  const names = Object.keys(space);
  if (names.length === 0) throw new Error('randomSearch: the search space has no parameters');
  for (const name of names) {
    const spec = space[name];
    try {
      switch (spec?.kind) {
        case 'logUniform':
          logUniform(spec.low, spec.high);
          break;
        case 'uniform':
          uniform(spec.low, spec.high);
          break;
        case 'int':
          int(spec.low, spec.high, { log: spec.log });
          break;
        case 'choice':
          choice(spec.values);
          break;
        default:
          throw new Error(
            `unknown kind '${(spec as { kind?: unknown })?.kind}' (logUniform, uniform, int or choice)`,
          );
      }
    } catch (err) {
      throw new Error(`search space: parameter '${name}': ${(err as Error).message}`);
    }
  }
}

/** Draws one value of `spec`. */
export function sampleParam(spec: ParamSpec, rng: Rng): ParamValue {
  switch (spec.kind) {
    case 'logUniform':
      return Math.exp(rng.uniform(Math.log(spec.low), Math.log(spec.high)));
    case 'uniform':
      return rng.uniform(spec.low, spec.high);
    case 'int': {
      if (!spec.log) return rng.int(spec.low, spec.high + 1);
      const x = Math.exp(rng.uniform(Math.log(spec.low - 0.5), Math.log(spec.high + 0.5)));
      return Math.min(spec.high, Math.max(spec.low, Math.round(x)));
    }
    case 'choice':
      return spec.values[rng.int(0, spec.values.length)] as ParamValue;
  }
}

/** Draws one point of `space`, its parameters in the space's key order. */
export function sampleSpace(space: SearchSpace, rng: Rng): Params {
  const out: Params = {};
  for (const [name, spec] of Object.entries(space)) out[name] = sampleParam(spec, rng);
  return out;
}

/** A number on the scale a spec samples on (log for logUniform and log ints). */
function toScale(spec: ParamSpec, x: number): number {
  return spec.kind === 'logUniform' || (spec.kind === 'int' && spec.log) ? Math.log(x) : x;
}

function fromScale(spec: ParamSpec, x: number): number {
  return spec.kind === 'logUniform' || (spec.kind === 'int' && spec.log) ? Math.exp(x) : x;
}

/**
 * The fine stage's space: each range shrunk to the span of `best` (the top coarse trials' params),
 * padded by `margin` × the coarse range's width on each side, on the scale the parameter is sampled on
 * (log for log-uniform), and clipped to the coarse range; a choice keeps the values the best trials
 * had. With margin 0.1 and one best trial at lr 1e-3 in logUniform(1e-5, 1e-1), the fine range is
 * 1e-3 · 10^±0.4 ≈ [4e-4, 2.5e-3].
 */
export function shrinkSpace(space: SearchSpace, best: readonly Params[], margin: number): SearchSpace {
  if (best.length === 0) throw new Error('shrinkSpace: needs at least one trial to shrink around');
  if (!(margin >= 0) || !Number.isFinite(margin))
    throw new Error(`shrinkSpace: margin must be ≥ 0, got ${margin}`);
  const out: SearchSpace = {};
  for (const [name, spec] of Object.entries(space)) {
    const values = best.map((p) => p[name]);
    if (spec.kind === 'choice') {
      out[name] = { kind: 'choice', values: spec.values.filter((v) => values.includes(v)) };
      continue;
    }
    const xs = values.map((v) => toScale(spec, Number(v)));
    const [lo, hi] = [toScale(spec, spec.low), toScale(spec, spec.high)];
    const pad = margin * (hi - lo);
    const low = Math.max(lo, Math.min(...xs) - pad);
    const high = Math.min(hi, Math.max(...xs) + pad);
    if (spec.kind === 'int') {
      const a = Math.max(spec.low, Math.floor(fromScale(spec, low)));
      const b = Math.min(spec.high, Math.ceil(fromScale(spec, high)));
      out[name] = { kind: 'int', low: a, high: b, log: spec.log };
    } else if (high > low) {
      out[name] = { ...spec, low: fromScale(spec, low), high: fromScale(spec, high) };
    } else {
      // margin 0 and every best trial at one value: keep a sliver around it so sampling stays defined.
      const eps = 1e-9 * Math.max(1, Math.abs(low));
      out[name] = { ...spec, low: fromScale(spec, low - eps), high: fromScale(spec, high + eps) };
    }
  }
  return out;
}
