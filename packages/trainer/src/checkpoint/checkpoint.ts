import { Rng, type RngState } from '@convkit/backend';
import type { Module } from '@convkit/core';
import { parseSafetensors, type SafetensorsFile, saveSafetensors } from '@convkit/models';
import { clone, dispose, type Tensor, tidy } from '@tensorflow/tfjs-core';
import type { Optimizer, OptimizerStateDict } from '../optim/optimizer';
import type { LrScheduler, ScheduleStateDict } from '../schedule/scheduler';
import { joinTensors, splitTensors, type TensorRef } from '../state';
import { moduleRngs } from './module-rngs';

/** The `format` metadata entry of a convkit checkpoint file. */
export const CHECKPOINT_FORMAT = 'convkit-checkpoint';

/** What a checkpoint saves and restores. Only `model` is required. */
export interface CheckpointParts {
  model: Module;
  optimizer?: Optimizer | null;
  schedule?: LrScheduler | null;
  /** Named generators besides the model's own (which are always saved): data order, augmentation. */
  rngs?: Record<string, Rng>;
  /** Anything else to keep (JSON, tensors allowed): `fit` keeps its position, history and callbacks' states. */
  extra?: unknown;
}

/**
 * A checkpoint's JSON, as stored in the file's `__metadata__.convkit` (tensors replaced by
 * `{ $tensor: key }`, the key of the tensor in the file; NaN and ±∞ by `{ $number: 'NaN' }`).
 */
export interface CheckpointData {
  format: typeof CHECKPOINT_FORMAT;
  version: 1;
  model: {
    className: string;
    /** Parameters and buffers by dotted name (`model/<name>` in the file). */
    state: Record<string, TensorRef>;
    /** The model's generators by `moduleRngs` name. */
    rngs: Record<string, RngState>;
  };
  optimizer: unknown | null;
  schedule: ScheduleStateDict | null;
  rngs: Record<string, RngState>;
  extra: unknown;
}

/**
 * The training state as one safetensors file: every tensor (the model's parameters and buffers under
 * `model/…`, the optimizer's moments under `optimizer/state/…`, tensors of `extra` under `extra/…`)
 * as F32 / I32 data, and everything else as JSON in the header's metadata (`format:
 * 'convkit-checkpoint'`, `convkit: <CheckpointData JSON>`). One file, so one rename makes a write
 * atomic; any safetensors reader (Python's `safetensors`) opens it.
 *
 * Reads each tensor once (`await data()`: works on every backend). Does not change or dispose anything.
 *
 * @example
 * const bytes = await encodeCheckpoint({ model, optimizer, schedule, rngs: { data: dataRng } });
 */
export async function encodeCheckpoint(parts: CheckpointParts): Promise<Uint8Array> {
  const { model } = parts;
  const record = {
    format: CHECKPOINT_FORMAT,
    version: 1,
    model: {
      className: model.className,
      state: model.stateDict(),
      rngs: Object.fromEntries(moduleRngs(model).map(([n, r]) => [n, r.state()])),
    },
    optimizer: parts.optimizer ? parts.optimizer.stateDict() : null,
    schedule: parts.schedule ? parts.schedule.stateDict() : null,
    rngs: Object.fromEntries(Object.entries(parts.rngs ?? {}).map(([n, r]) => [n, r.state()])),
    extra: parts.extra ?? null,
  };
  const { json, tensors } = splitTensors(record);
  return saveSafetensors(tensors, {
    metadata: { format: CHECKPOINT_FORMAT, convkit: JSON.stringify(json) },
  });
}

const fail = (what: string): never => {
  throw new Error(`Checkpoint: ${what}`);
};

/**
 * A parsed checkpoint (see {@link encodeCheckpoint} for the format): `data` is its JSON, tensors are
 * made only when restored. Build it with {@link decodeCheckpoint} or `loadCheckpoint` (a file).
 */
export class Checkpoint {
  readonly data: CheckpointData;

  constructor(readonly file: SafetensorsFile) {
    const { format, convkit } = file.metadata;
    if (format !== CHECKPOINT_FORMAT || typeof convkit !== 'string') {
      fail(
        `not a convkit checkpoint (its metadata has format ${JSON.stringify(format)}); ` +
          'for bare weights use loadSafetensors of @convkit/models',
      );
    }
    let data: CheckpointData | undefined;
    try {
      data = JSON.parse(convkit) as CheckpointData;
    } catch (err) {
      fail(`its JSON does not parse (${(err as Error).message})`);
    }
    if (data?.version !== 1) fail(`unknown version ${JSON.stringify(data?.version)} (this convkit reads 1)`);
    if (!data?.model || typeof data.model.state !== 'object') fail('it has no model state');
    this.data = data as CheckpointData;
  }

  /** The `extra` record with its tensors made (the caller disposes them). */
  extra(): unknown {
    return joinTensors(this.data.extra, this.file.tensors(refKeys(this.data.extra)));
  }
}

/** The `$tensor` keys a JSON record refers to. */
function refKeys(json: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === 'object') {
      const ref = (v as TensorRef).$tensor;
      if (typeof ref === 'string' && Object.keys(v).length === 1) out.push(ref);
      else Object.values(v).forEach(walk);
    }
  };
  walk(json);
  return out;
}

/**
 * Parses checkpoint bytes (from {@link encodeCheckpoint}, a file, a fetch). Checks the format and
 * version; tensors are read when restored.
 *
 * @example
 * const ckpt = decodeCheckpoint(bytes);
 * restoreCheckpoint(ckpt, { model });
 */
export function decodeCheckpoint(bytes: Uint8Array | ArrayBuffer): Checkpoint {
  return new Checkpoint(parseSafetensors(bytes));
}

const sameShape = (a: readonly number[], b: readonly number[]) =>
  a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * Restores what `checkpoint` saved into `parts`: the model's parameters, buffers and generators, and
 * (when given) the optimizer's state, the schedule's position and the named generators. All or
 * nothing: every part is checked first — the model's names and shapes (strict), its generators, the
 * optimizer's and schedule's names, each generator's state — and if a later load still fails (the
 * optimizer's own checks), what was already restored is put back, so the target is unchanged when
 * this throws. Parts the checkpoint has but `parts` omits are ignored (restore the weights alone for
 * inference).
 *
 * @example
 * restoreCheckpoint(await loadCheckpoint('run/best.safetensors'), { model });
 */
export function restoreCheckpoint(checkpoint: Checkpoint, parts: Omit<CheckpointParts, 'extra'>): void {
  const who = 'restoreCheckpoint';
  const { data, file } = checkpoint;
  const { model, optimizer, schedule, rngs = {} } = parts;

  // 1. Checks, before anything is written.
  const own = model.stateDict();
  const saved = data.model.state;
  const missing = Object.keys(own).filter((k) => !(k in saved));
  const unexpected = Object.keys(saved).filter((k) => !(k in own));
  const mismatched = Object.keys(saved)
    .filter((k) => k in own && !sameShape(own[k].shape, file.entry(saved[k].$tensor).shape))
    .map(
      (k) => `${k}: the model has [${own[k].shape}], the checkpoint [${file.entry(saved[k].$tensor).shape}]`,
    );
  const problems: string[] = [];
  if (data.model.className !== model.className) {
    problems.push(`it holds a ${data.model.className}, not a ${model.className}`);
  }
  if (missing.length) problems.push(`missing: ${missing.join(', ')}`);
  if (unexpected.length) problems.push(`unexpected: ${unexpected.join(', ')}`);
  if (mismatched.length) problems.push(`shape mismatches: ${mismatched.join('; ')}`);
  const modelRngs = moduleRngs(model);
  const savedRngs = data.model.rngs ?? {};
  const rngNames = modelRngs.map(([n]) => n);
  if (rngNames.join() !== Object.keys(savedRngs).join()) {
    problems.push(
      `the model's generators are [${rngNames.join(', ')}], the checkpoint's [${Object.keys(savedRngs).join(', ')}]`,
    );
  }
  for (const [name, state] of [...Object.entries(savedRngs), ...Object.entries(data.rngs ?? {})]) {
    try {
      Rng.fromState(state);
    } catch (err) {
      problems.push(`generator '${name}': ${(err as Error).message}`);
    }
  }
  for (const name of Object.keys(rngs)) {
    if (!(name in (data.rngs ?? {})))
      problems.push(`no generator '${name}' (it has: ${Object.keys(data.rngs ?? {}).join(', ') || 'none'})`);
  }
  const savedOptimizer = data.optimizer as OptimizerStateDict | null;
  if (optimizer && !savedOptimizer) problems.push('it holds no optimizer state');
  if (optimizer && savedOptimizer && savedOptimizer.optimizer !== optimizer.name) {
    problems.push(`its optimizer is ${savedOptimizer.optimizer}, not ${optimizer.name}`);
  }
  if (schedule && !data.schedule) problems.push('it holds no schedule state');
  if (schedule && data.schedule && data.schedule.scheduler !== schedule.name) {
    problems.push(`its schedule is ${data.schedule.scheduler}, not ${schedule.name}`);
  }
  if (problems.length)
    throw new Error(`${who}: the checkpoint does not fit: ${problems.join(' | ')}; nothing was restored`);

  // 2. Snapshots to put back if a load below fails (clones share data: no copy).
  const undo: (() => void)[] = [];
  const held: Tensor[] = [];
  const made: Tensor[] = [];
  try {
    if (optimizer && savedOptimizer) {
      const before = optimizer.stateDict();
      const copy = cloneTensors(before, held);
      const tensors = file.tensors(refKeys(savedOptimizer));
      made.push(...Object.values(tensors));
      optimizer.loadStateDict(joinTensors(savedOptimizer, tensors) as OptimizerStateDict);
      undo.push(() => optimizer.loadStateDict(copy));
    }
    if (schedule && data.schedule) {
      const before = schedule.stateDict();
      schedule.loadStateDict(joinTensors(data.schedule, {}) as ScheduleStateDict);
      undo.push(() => schedule.loadStateDict(before));
    }
    const modelTensors = file.tensors(Object.values(saved).map((r) => r.$tensor));
    made.push(...Object.values(modelTensors));
    const state = Object.fromEntries(Object.entries(saved).map(([k, r]) => [k, modelTensors[r.$tensor]]));
    // In a tidy: the copies a loadStateDict may make on the way (a cast, a reshape) are freed.
    tidy(() => {
      model.loadStateDict(state);
    });
  } catch (err) {
    for (const u of undo.reverse()) u();
    throw err;
  } finally {
    dispose(made);
    dispose(held);
  }
  for (const [name, r] of modelRngs) r.setState(savedRngs[name]);
  for (const [name, r] of Object.entries(rngs)) r.setState(data.rngs[name]);
}

/** A copy of an optimizer state dict whose tensors are clones (kept in `held` for disposal). */
function cloneTensors(dict: OptimizerStateDict, held: Tensor[]): OptimizerStateDict {
  const { json, tensors } = splitTensors(dict);
  const copies = Object.fromEntries(
    Object.entries(tensors).map(([k, t]) => {
      const c = clone(t);
      held.push(c);
      return [k, c];
    }),
  );
  return joinTensors(json, copies) as OptimizerStateDict;
}
