import { Tensor, Variable, variable } from '@tensorflow/tfjs-core';
import { checkKeys, checkStateDictHeader, show } from '../options';
import {
  checkDistinct,
  type NamedParameter,
  type OptimizerParams,
  type ParamGroupInput,
  type ResolvedGroup,
  resolveGroups,
} from './params';

/** Hyperparameters every optimizer's groups have: a learning rate that schedules read and set. */
export interface GroupOptions {
  lr: number;
}

/**
 * One parameter group of an optimizer (PyTorch's `param_groups[i]`): its parameters, its optional
 * label and its hyperparameters, which may be changed between steps (`group.lr = 0.01`; a schedule
 * does this). `step` checks them again before every update.
 */
export type ParamGroup<H extends GroupOptions> = H & {
  readonly params: readonly NamedParameter[];
  readonly name?: string;
  /**
   * The learning rate schedules start from (PyTorch's `initial_lr`): set by the first schedule built
   * on the optimizer, from `lr`, and read by the next ones (so that a schedule chained after a warm-up
   * starts from the original rate). Not a hyperparameter: not in the optimizer's state dict.
   */
  initialLr?: number;
};

/** A parameter's optimizer state: tensors (moments, buffers) and counters (steps). */
export type ParamState = Record<string, Variable | number | undefined>;

/** The entries a parameter's state may hold, for `loadStateDict`'s checks. */
export interface StateSpec {
  /** Tensors every state has (Adam's `expAvg`, `expAvgSq`). */
  tensors: readonly string[];
  /** Tensors a state may have, depending on the options it was built under (`maxExpAvgSq`). */
  optionalTensors: readonly string[];
  /** Non-negative integers every state has (`step`). */
  counters: readonly string[];
}

/** A saved parameter group: the names of its parameters, its label and its hyperparameters. */
export type SavedParamGroup = { params: string[]; name?: string } & Record<string, unknown>;

/**
 * An optimizer's state as data (PyTorch's `optimizer.state_dict()`), JSON plus tensors:
 * - `state[name]`: the parameter's state — tensors (the optimizer's own variables: read or clone
 *   them, do not dispose them) and counters; absent until the parameter's first update;
 * - `paramGroups[i]`: each group's hyperparameters and the names of its parameters, in order.
 * `splitTensors` (state.ts) turns it into a JSON-able object and a flat list of tensors.
 */
export interface OptimizerStateDict {
  /** Format version of this record. */
  version: 1;
  /** Which optimizer wrote it: 'SGD', 'Adam', 'AdamW', 'RMSprop'. */
  optimizer: string;
  state: Record<string, Record<string, Tensor | number>>;
  paramGroups: SavedParamGroup[];
}

/** Options of {@link Optimizer.loadStateDict}. */
export interface LoadOptimizerStateOptions {
  /**
   * Parameters are matched by position in their group, as in PyTorch. With `checkNames` (default)
   * the saved names must also be the optimizer's; `false` accepts other names (an optimizer built
   * from bare Variables, whose tfjs names differ between processes).
   */
  checkNames?: boolean;
}

const sameShape = (a: readonly number[], b: readonly number[]) =>
  a.length === b.length && a.every((d, i) => d === b[i]);

const copyValue = <T>(v: T): T => (Array.isArray(v) ? ([...v] as T) : v);

/**
 * The base of convkit's optimizers (SGD, Adam, AdamW, RMSprop): parameter groups with their own
 * hyperparameters, `step(grads)` with the named gradients of `valueAndGrads`, and a state dict.
 *
 * The contract a training loop and a checkpoint writer rely on:
 * - `step(grads)` updates every parameter that has a gradient (and is `trainable`), after checking
 *   everything first: unknown names, shapes, dtypes and every group's hyperparameters; nothing is
 *   written when a check fails. It does not dispose `grads`. Parameters without a gradient are
 *   skipped and their state does not advance (PyTorch's `p.grad is None`).
 * - `paramGroups[i].lr` (and the other hyperparameters) may be set between steps.
 * - `stateDict()` / `loadStateDict()` save and restore everything the next steps depend on; loading
 *   checks the whole record before it changes anything.
 * - `dispose()` frees the state; the tensor count stays flat across steps.
 *
 * Subclasses give their defaults, option checks, the shape of a parameter's state and `update`, the
 * rule for one parameter, which calls an op of `../ops` (fused on webgpu, composed elsewhere).
 */
export abstract class Optimizer<H extends GroupOptions = GroupOptions, S extends ParamState = ParamState> {
  /** Version of this interface, for training loops and checkpoint writers written against it. */
  readonly specificationVersion = 1 as const;
  /** The optimizer's name in messages and state dicts: its class's static `className` ('Adam', …). */
  readonly name: string;
  /**
   * The resolved options (defaults filled in, checked; JSON-safe): every hyperparameter — the default of
   * the groups that do not set it — and `fused`, whether to use the backend's fused update kernel where
   * it has one (webgpu). `new X(params, opt.options)` builds an equal optimizer.
   */
  readonly options: Readonly<H> & { readonly fused: boolean };
  /** The parameter groups, in order. Set hyperparameters on them; do not add to the array (use `addParamGroup`). */
  readonly paramGroups: ParamGroup<H>[];
  /** Each parameter's state, by parameter name; absent before its first update. */
  protected readonly state: Map<string, S>;
  /** The entries of a parameter's state (checked by `loadStateDict`). */
  protected abstract readonly stateSpec: StateSpec;
  private readonly byName: Map<string, NamedParameter>;

  /**
   * @param name the optimizer's name (its class's `className`), for messages and state dicts
   * @param params parameters or groups (see {@link OptimizerParams})
   * @param options every hyperparameter, already checked (what groups do not set), and `fused`
   */
  protected constructor(name: string, params: OptimizerParams<H>, options: H & { fused: boolean }) {
    this.name = name;
    this.options = Object.freeze(
      Object.fromEntries(Object.entries(options).map(([k, v]) => [k, copyValue(v)])),
    ) as Readonly<H> & { readonly fused: boolean };
    this.paramGroups = [];
    this.state = new Map();
    this.byName = new Map();
    const groups = resolveGroups(params, name);
    if (groups.every((g) => g.params.length === 0)) {
      throw new Error(`${name}: got no parameters to optimize`);
    }
    for (const g of groups) this.pushGroup(g);
  }

  /** Checks a full set of hyperparameters; throws `"<who>: <key> must be …, got …"`. */
  protected abstract checkOptions(options: H, who: string): void;

  /**
   * Updates one parameter with its gradient under its group's hyperparameters; returns its new state
   * (`state` is undefined on the parameter's first update). Called only after every check passed.
   */
  protected abstract update(param: Variable, grad: Tensor, group: ParamGroup<H>, state: S | undefined): S;

  /** The hyperparameter names of this optimizer's groups ('lr', 'momentum', …). */
  get optionNames(): string[] {
    return Object.keys(this.options).filter((k) => k !== 'fused');
  }

  /** Adds a group (PyTorch's `add_param_group`), e.g. layers unfrozen during fine-tuning. */
  addParamGroup(group: ParamGroupInput<H>): this {
    const [resolved] = resolveGroups([group], this.name);
    checkDistinct([...this.byName.values(), ...resolved.params], this.name);
    this.pushGroup(resolved);
    return this;
  }

  /**
   * One update of every parameter that has an entry in `grads` (by name: `valueAndGrads`'s dotted
   * names for a Module) and is trainable. Throws, before any write, on a name the optimizer does not
   * know, a gradient whose shape or dtype differs from its parameter's, a disposed tensor, or an
   * invalid hyperparameter. Does not dispose `grads`.
   */
  step(grads: Readonly<Record<string, Tensor | undefined>>): void {
    const who = `${this.name}.step`;
    if (grads === null || typeof grads !== 'object' || grads instanceof Tensor) {
      throw new Error(
        `${who}: grads must be a { name: Tensor } record (valueAndGrads(...).grads), got ${show(grads)}`,
      );
    }
    const unknown: string[] = [];
    const problems: string[] = [];
    for (const [name, g] of Object.entries(grads)) {
      if (g == null) continue;
      const p = this.byName.get(name);
      if (p === undefined) unknown.push(name);
      else if (!(g instanceof Tensor)) problems.push(`the gradient of '${name}' is not a Tensor`);
      else if (g.isDisposed) problems.push(`the gradient of '${name}' is disposed`);
      else if (p.variable.isDisposed) problems.push(`parameter '${name}' is disposed`);
      else if (!sameShape(g.shape, p.variable.shape)) {
        problems.push(
          `the gradient of '${name}' has shape [${g.shape}], the parameter [${p.variable.shape}]`,
        );
      } else if (g.dtype !== 'float32' || p.variable.dtype !== 'float32') {
        problems.push(
          `'${name}': parameter and gradient must be float32, got ${p.variable.dtype} and ${g.dtype}`,
        );
      }
    }
    if (unknown.length > 0) {
      const known = [...this.byName.keys()];
      problems.unshift(
        `no parameter named ${unknown.map((n) => `'${n}'`).join(', ')} (this optimizer has ${known
          .slice(0, 5)
          .map((n) => `'${n}'`)
          .join(', ')}${known.length > 5 ? ', …' : ''}); ` +
          'gradients are keyed like the parameters the optimizer was built from (a Module: dotted names)',
      );
    }
    this.paramGroups.forEach((g, i) => {
      try {
        this.checkOptions(g, this.groupName(i));
      } catch (err) {
        problems.push((err as Error).message);
      }
    });
    if (problems.length > 0) throw new Error(`${who}: ${problems.join('; ')}`);
    for (const group of this.paramGroups) {
      for (const { name, variable: param } of group.params) {
        const g = grads[name];
        if (g == null || !param.trainable) continue;
        this.state.set(name, this.update(param, g, group, this.state.get(name)));
      }
    }
  }

  /**
   * The optimizer's state: each parameter's state by name, each group's hyperparameters and parameter
   * names. The tensors are the optimizer's own variables, not copies: read or clone them, do not
   * dispose them. The record is JSON plus tensors (see {@link OptimizerStateDict}).
   */
  stateDict(): OptimizerStateDict {
    const state: OptimizerStateDict['state'] = {};
    for (const group of this.paramGroups) {
      for (const { name } of group.params) {
        const s = this.state.get(name);
        if (s === undefined) continue;
        const entry: Record<string, Tensor | number> = {};
        for (const [k, v] of Object.entries(s)) if (v !== undefined) entry[k] = v;
        state[name] = entry;
      }
    }
    const paramGroups = this.paramGroups.map((g) => {
      const saved: SavedParamGroup = { params: g.params.map((p) => p.name) };
      if (g.name !== undefined) saved.name = g.name;
      for (const key of this.optionNames)
        saved[key] = copyValue((g as unknown as Record<string, unknown>)[key]);
      return saved;
    });
    return { version: 1, optimizer: this.name, state, paramGroups };
  }

  /**
   * Restores a state from `stateDict()` (PyTorch's `load_state_dict`): each group's hyperparameters
   * and each parameter's state, matched by position in the groups. Checks the whole record first —
   * optimizer kind, group count and sizes, names (see `checkNames`), hyperparameters, state entries,
   * tensor shapes and dtypes — and throws listing every problem without changing anything. The
   * tensors are not disposed or written: the optimizer keeps its own references (a later update never
   * writes into a tensor someone else holds).
   */
  loadStateDict(dict: OptimizerStateDict, options: LoadOptimizerStateOptions = {}): this {
    const who = `${this.name}.loadStateDict`;
    const checkNames = options.checkNames ?? true;
    checkStateDictHeader(who, dict, 'optimizer', this.name);
    const saved = dict.paramGroups;
    if (!Array.isArray(saved) || saved.length !== this.paramGroups.length) {
      throw new Error(
        `${who}: the state dict has ${Array.isArray(saved) ? saved.length : 'no'} parameter groups, this optimizer ${this.paramGroups.length}`,
      );
    }
    const problems: string[] = [];
    const position = new Map<string, NamedParameter>(); // saved name → our parameter
    const options_: H[] = [];
    saved.forEach((group, i) => {
      const ours = this.paramGroups[i].params;
      const where = `${who}: group ${i}`;
      if (group === null || typeof group !== 'object' || !Array.isArray(group.params)) {
        problems.push(`${where} has no params list`);
        return;
      }
      if (group.params.length !== ours.length) {
        problems.push(`${where} has ${group.params.length} parameters, this optimizer's ${ours.length}`);
        return;
      }
      const renamed = group.params.flatMap((n, j) =>
        n === ours[j].name ? [] : [`'${n}' ≠ '${ours[j].name}'`],
      );
      if (checkNames && renamed.length > 0) {
        problems.push(
          `${where}: saved names differ from this optimizer's (${renamed.slice(0, 3).join(', ')}${renamed.length > 3 ? ', …' : ''}); pass { checkNames: false } to match by position only`,
        );
      }
      group.params.forEach((n, j) => {
        position.set(n, ours[j]);
      });
      const { params: _p, name: _n, ...hyper } = group;
      try {
        checkKeys(where, hyper, this.optionNames);
        const missing = this.optionNames.filter((k) => !(k in hyper));
        if (missing.length > 0) throw new Error(`${where}: missing ${missing.join(', ')}`);
        this.checkOptions(hyper as unknown as H, where);
        options_.push(hyper as unknown as H);
      } catch (err) {
        problems.push((err as Error).message);
      }
    });
    const state = dict.state;
    if (state === null || typeof state !== 'object') problems.push(`${who}: state must be an object`);
    const entries = Object.entries(state ?? {});
    for (const [name, entry] of entries)
      problems.push(...this.checkEntry(name, entry, position.get(name), who));
    if (problems.length > 0) throw new Error(problems.join('; '));

    // Everything checked: write.
    const next = new Map<string, S>();
    for (const [name, entry] of entries) {
      const param = position.get(name) as NamedParameter;
      const s: ParamState = {};
      for (const [k, v] of Object.entries(entry)) s[k] = v instanceof Tensor ? variable(v, false) : v;
      next.set(param.name, s as S);
    }
    this.disposeState();
    for (const [name, s] of next) this.state.set(name, s);
    this.paramGroups.forEach((g, i) => {
      for (const key of this.optionNames) {
        (g as unknown as Record<string, unknown>)[key] = copyValue(
          (options_[i] as Record<string, unknown>)[key],
        );
      }
    });
    return this;
  }

  /** Frees every state tensor; the next step starts the parameters' states afresh. */
  dispose(): void {
    this.disposeState();
  }

  /** `Adam` for one group, `Adam group 1 ('head')` for several. */
  protected groupName(i: number): string {
    if (this.paramGroups.length <= 1 && i === 0) return this.name;
    const label = this.paramGroups[i]?.name;
    return `${this.name} group ${i}${label !== undefined ? ` ('${label}')` : ''}`;
  }

  private checkEntry(name: string, entry: unknown, param: NamedParameter | undefined, who: string): string[] {
    const where = `${who}: state of '${name}'`;
    if (param === undefined) return [`${where}: no such parameter in the saved groups`];
    if (entry === null || typeof entry !== 'object') return [`${where} must be an object`];
    const { tensors, optionalTensors, counters } = this.stateSpec;
    const record = entry as Record<string, unknown>;
    const problems: string[] = [];
    for (const key of [...tensors, ...counters])
      if (!(key in record)) problems.push(`${where}: missing '${key}'`);
    for (const [key, v] of Object.entries(record)) {
      if (counters.includes(key)) {
        if (!Number.isInteger(v) || (v as number) < 0)
          problems.push(`${where}: ${key} must be an integer >= 0, got ${show(v)}`);
      } else if (tensors.includes(key) || optionalTensors.includes(key)) {
        if (!(v instanceof Tensor)) problems.push(`${where}: ${key} must be a Tensor`);
        else if (v.isDisposed) problems.push(`${where}: ${key} is disposed`);
        else if (v.dtype !== 'float32') problems.push(`${where}: ${key} must be float32, got ${v.dtype}`);
        else if (!sameShape(v.shape, param.variable.shape)) {
          problems.push(`${where}: ${key} has shape [${v.shape}], the parameter [${param.variable.shape}]`);
        }
      } else {
        problems.push(
          `${where}: unknown entry '${key}' (${this.name} keeps ${[...tensors, ...optionalTensors, ...counters].join(', ')})`,
        );
      }
    }
    return problems;
  }

  private pushGroup(g: ResolvedGroup<H>): void {
    const who = this.groupName(this.paramGroups.length);
    checkKeys(who, g.options, this.optionNames);
    const options: Record<string, unknown> = {};
    for (const k of this.optionNames) options[k] = (this.options as Record<string, unknown>)[k];
    for (const [k, v] of Object.entries(g.options)) if (v !== undefined) options[k] = v;
    for (const [k, v] of Object.entries(options)) options[k] = copyValue(v);
    this.checkOptions(options as unknown as H, who);
    const group = { ...options, params: Object.freeze([...g.params]) } as unknown as ParamGroup<H>;
    if (g.name !== undefined) (group as { name?: string }).name = g.name;
    this.paramGroups.push(group);
    for (const p of g.params) this.byName.set(p.name, p);
  }

  private disposeState(): void {
    for (const s of this.state.values()) {
      for (const v of Object.values(s)) if (v instanceof Variable) v.dispose();
    }
    this.state.clear();
  }
}
