import { Tensor } from '@tensorflow/tfjs-core';

/** A tensor's place in the JSON part of {@link splitTensors}: the key of the tensor in `tensors`. */
export interface TensorRef {
  $tensor: string;
}

/** A number JSON cannot hold (NaN, ±Infinity) in the JSON part of {@link splitTensors}. */
export interface NumberRef {
  $number: 'NaN' | 'Infinity' | '-Infinity';
}

/** What {@link splitTensors} returns: `JSON.stringify`-safe data and the tensors it refers to. */
export interface SplitState {
  json: unknown;
  tensors: Record<string, Tensor>;
}

const escapeKey = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * Splits a state record (an optimizer's or a schedule's `stateDict()`, or an object holding several)
 * into JSON-safe data and a flat map of tensors, for a checkpoint writer: every tensor is replaced
 * by `{ $tensor: key }`, its key the JSON-pointer path of its place (`state/conv.weight/expAvg`;
 * `~` and `/` in names escaped as `~0`, `~1`), and NaN / ±Infinity by `{ $number: 'Infinity' }`.
 * The tensors are the record's own (not copies). {@link joinTensors} is the inverse.
 *
 * @example
 * const { json, tensors } = splitTensors({ optimizer: opt.stateDict(), schedule: sched.stateDict() });
 * writeFileSync('ckpt.json', JSON.stringify(json)); // and the tensors' values beside it
 */
export function splitTensors(record: unknown): SplitState {
  const tensors: Record<string, Tensor> = {};
  const walk = (value: unknown, path: string[]): unknown => {
    if (value instanceof Tensor) {
      const key = path.map(escapeKey).join('/');
      tensors[key] = value;
      return { $tensor: key } satisfies TensorRef;
    }
    if (typeof value === 'number' && !Number.isFinite(value)) {
      return { $number: String(value) as NumberRef['$number'] } satisfies NumberRef;
    }
    if (Array.isArray(value)) return value.map((v, i) => walk(v, [...path, String(i)]));
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, [...path, k])]));
    }
    if (typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint') {
      throw new Error(
        `splitTensors: ${path.join('/') || '(root)'} is a ${typeof value}, which a state cannot hold`,
      );
    }
    return value;
  };
  return { json: walk(record, []), tensors };
}

/**
 * Puts the tensors back into data from {@link splitTensors} (read back from JSON): each
 * `{ $tensor: key }` becomes `tensors[key]`, each `{ $number }` its number. Throws naming a missing
 * tensor. The tensors are placed as they are, not copied.
 *
 * @example
 * const { optimizer } = joinTensors(JSON.parse(text), tensors) as { optimizer: OptimizerStateDict };
 * opt.loadStateDict(optimizer);
 */
export function joinTensors(json: unknown, tensors: Readonly<Record<string, Tensor>>): unknown {
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk);
    if (value !== null && typeof value === 'object') {
      const keys = Object.keys(value);
      if (keys.length === 1 && keys[0] === '$tensor') {
        const key = (value as TensorRef).$tensor;
        const t = tensors[key];
        if (!(t instanceof Tensor))
          throw new Error(`joinTensors: no tensor '${key}' among the ${Object.keys(tensors).length} given`);
        return t;
      }
      if (keys.length === 1 && keys[0] === '$number') {
        const n = Number((value as NumberRef).$number);
        if (!Number.isNaN(n) || (value as NumberRef).$number === 'NaN') return n;
        throw new Error(`joinTensors: bad number ${JSON.stringify(value)}`);
      }
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v)]));
    }
    return value;
  };
  return walk(json);
}
