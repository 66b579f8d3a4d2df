import { BRAND, canReadSync, hasBrand } from '@convkit/backend';
import { cast, clone, reshape, Tensor, tidy, type Variable, variable } from '@tensorflow/tfjs-core';

/** A module's serializable description: its class name and constructor options. */
export interface ModuleConfig {
  className: string;
  config: Record<string, unknown>;
}

/** Options of `loadStateDict`. */
export interface LoadStateDictOptions {
  /** Throw on missing or unexpected keys (default true). Shape mismatches always throw. */
  strict?: boolean;
  /**
   * Refuse values that hold a NaN or ±∞ (default false: accepted, as PyTorch does, since a checkpoint
   * of a diverged run is still data worth inspecting). Reads every value back synchronously, so on
   * webgpu it needs tensors whose values are still on the CPU (those made from JavaScript data, as
   * checkpoint loaders make them); others are refused with a message.
   */
  checkFinite?: boolean;
}

/**
 * A module that names some of its own parameters (local names, e.g. `'weight'`) as not to be decayed
 * (timm's `no_weight_decay`): the norms of @convkit/norms implement it, and @convkit/regularization's
 * `paramGroups` reads it. Declared here, next to `Module`, so that both sides depend on core only.
 */
export interface NoWeightDecay {
  noWeightDecay(): string[];
}

/** Whether `module` implements {@link NoWeightDecay}. */
export function declaresNoWeightDecay(module: Module): module is Module & NoWeightDecay {
  return typeof (module as Partial<NoWeightDecay>).noWeightDecay === 'function';
}

let variableCounter = 0;

/**
 * The base of every layer and model, after PyTorch's `nn.Module`.
 *
 * A module owns:
 * - **parameters**: trainable `tf.Variable`s (`trainable` is the parameter's `requiresGrad`);
 * - **buffers**: non-trainable state such as running statistics, also `tf.Variable`s (never trained);
 * - **children**: sub-modules, named, whose parameters and buffers appear under `child.name`.
 *
 * Training mode is explicit: `train()` / `eval()` set it on the whole subtree, and `forward`
 * reads `this.training`. Layers compute with tfjs ops only, never with a backend directly.
 *
 * @example
 * class Affine extends Module {
 *   readonly w = this.addParameter('weight', ones([4]));
 *   forward(x: Tensor) { return mul(x, this.w); }
 * }
 */
export abstract class Module {
  /**
   * The brand `instanceof Module` checks (with `Symbol.hasInstance` below) instead of the class
   * itself, so that a module from the ESM build of a convkit package is a Module to the CJS build of
   * another (two dependencies may load convkit differently; each build has its own `Module` class).
   */
  static readonly [BRAND]: string = '@convkit/core.Module';

  /** `x instanceof Module` (or a branded subclass) across the ESM and CJS builds; see `hasBrand`. */
  static [Symbol.hasInstance](x: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class on the right of `instanceof`, maybe a subclass
    return hasBrand(x, this);
  }

  /**
   * The options this module was built with, as its constructor resolved them: defaults filled in,
   * checked, in JSON form (numbers, strings, booleans, arrays, `null`; a numeric `rng` seed, never a
   * generator). `toConfig()` returns a copy, and a registry passes that copy back to the constructor,
   * so `new Layer(layer.options)` builds an equal (freshly initialized) layer. Each layer declares its
   * own typed `readonly options`; a module without options has none.
   */
  declare readonly options?: object;
  /** True in training mode (the default), false in evaluation mode. */
  training = true;
  /**
   * When true, `train()` leaves this module and its subtree in evaluation mode: a frozen BatchNorm
   * keeps normalizing with (and stops updating) its running statistics while the rest of the model
   * trains (`freezeNorms` of @convkit/models sets it). Default false.
   */
  keepEval = false;
  private readonly params = new Map<string, Variable>();
  private readonly bufs = new Map<string, Variable>();
  private readonly kids = new Map<string, Module>();
  private disposed = false;
  private readonly forwardHooks: {
    hook: (module: Module, input: Tensor, output: Tensor) => Tensor | undefined;
  }[] = [];

  /** The computation. Inputs are NHWC for image layers. */
  abstract forward(x: Tensor, ...rest: Tensor[]): Tensor;

  /**
   * Runs `forward`, then the forward hooks in registration order, inside `tidy`, so only the output
   * outlives the call (intermediates are freed; tensors kept for a gradient are cloned by the tape).
   * The output is always a new tensor the caller owns: when the result is an input itself
   * (`Identity`), `call` returns a `clone` (shared data, no copy), so disposing the output never
   * disposes the input.
   * Prefer `call` to `forward` from outside: containers call their children with `call`.
   */
  call(x: Tensor, ...rest: Tensor[]): Tensor {
    this.checkLive('call');
    return tidy(() => {
      let y = this.forward(x, ...rest);
      for (const { hook } of [...this.forwardHooks]) y = hook(this, x, y) ?? y;
      return y === x || rest.includes(y) ? clone(y) : y;
    });
  }

  /**
   * Registers `hook(module, input, output)` to run after every `call` (PyTorch's
   * `register_forward_hook`); `input` is the first input. A hook may return a replacement output
   * (e.g. `output + probe`) or `undefined` to keep it. Hooks run inside the call's `tidy`: a tensor a
   * hook keeps past the call must be `keep`-ed (and disposed by the hook's owner).
   * Returns a function that removes the hook.
   *
   * @example
   * const remove = layer.registerForwardHook((m, x, y) => { shapes.push(y.shape); return undefined; });
   * model.call(x);
   * remove();
   */
  registerForwardHook(
    hook: (module: Module, input: Tensor, output: Tensor) => Tensor | undefined,
  ): () => void {
    const entry = { hook };
    this.forwardHooks.push(entry);
    return () => {
      const i = this.forwardHooks.indexOf(entry);
      if (i >= 0) this.forwardHooks.splice(i, 1);
    };
  }

  /** Whether forward hooks are registered (containers do not fold such a module into another). */
  get hasForwardHooks(): boolean {
    return this.forwardHooks.length > 0;
  }

  /**
   * The class name used in errors and configs: the class's own static `className` when it declares
   * one (survives minifiers that rename classes), else `constructor.name`.
   */
  get className(): string {
    const ctor = this.constructor as { className?: unknown; name: string };
    return Object.hasOwn(ctor, 'className') && typeof ctor.className === 'string'
      ? ctor.className
      : ctor.name;
  }

  /** Registers a trainable parameter; the module takes ownership of `value`. */
  protected addParameter(name: string, value: Tensor, requiresGrad = true): Variable {
    this.checkName(name);
    const v = variable(value, requiresGrad, `${this.className}.${name}_${variableCounter++}`);
    value.dispose();
    this.params.set(name, v);
    return v;
  }

  /** Registers a buffer (non-trainable state); the module takes ownership of `value`. */
  protected addBuffer(name: string, value: Tensor): Variable {
    this.checkName(name);
    const v = variable(value, false, `${this.className}.${name}_${variableCounter++}`);
    value.dispose();
    this.bufs.set(name, v);
    return v;
  }

  /** Registers a child module under `name`; returns it for one-line assignment. */
  protected addModule<M extends Module>(name: string, module: M): M {
    this.checkName(name);
    if (!(module instanceof Module)) {
      throw new Error(`${this.className}.addModule('${name}'): not a Module, got ${describe(module)}`);
    }
    this.kids.set(name, module);
    return module;
  }

  /**
   * Puts `module` in place of the child registered as `name` (PyTorch's `model.fc = nn.Linear(…)`),
   * keeping its position among the children; returns the new child. The old child is not disposed:
   * the caller disposes it when nothing else uses it.
   */
  protected replaceModule<M extends Module>(name: string, module: M): M {
    if (!this.kids.has(name)) {
      throw new Error(`${this.className}.replaceModule('${name}'): no child named '${name}'`);
    }
    if (!(module instanceof Module)) {
      throw new Error(`${this.className}.replaceModule('${name}'): not a Module, got ${describe(module)}`);
    }
    this.kids.set(name, module);
    return module;
  }

  /** True after `dispose()`: the module's parameters and buffers are freed and it cannot run. */
  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Throws, naming this module and `method`, once the module is disposed. */
  protected checkLive(method: string): void {
    if (this.disposed) {
      throw new Error(
        `${this.className}.${method}(): this module was disposed (dispose() freed its parameters and buffers); ` +
          'build a new one, and load a state dict saved before dispose() if you need its weights',
      );
    }
  }

  private checkName(name: string): void {
    if (!name || name.includes('.'))
      throw new Error(`${this.className}: invalid name '${name}' (non-empty, no dots)`);
    if (this.params.has(name) || this.bufs.has(name) || this.kids.has(name)) {
      throw new Error(`${this.className}: '${name}' is already registered`);
    }
  }

  /** Sets training mode on this module and every descendant (a `keepEval` subtree stays in evaluation mode). */
  train(mode = true): this {
    const training = mode && !this.keepEval;
    this.training = training;
    for (const child of this.kids.values()) child.train(training);
    return this;
  }

  /** Sets evaluation mode on this module and every descendant. */
  eval(): this {
    return this.train(false);
  }

  /** Direct children, with their names. */
  namedChildren(): [string, Module][] {
    return [...this.kids.entries()];
  }

  /** This module and every descendant, with dotted names ('' for this one). */
  namedModules(prefix = ''): [string, Module][] {
    const out: [string, Module][] = [[prefix, this]];
    for (const [name, child] of this.kids) out.push(...child.namedModules(join(prefix, name)));
    return out;
  }

  /** Every parameter of the subtree with its dotted name, e.g. `features.0.weight`. */
  namedParameters(prefix = ''): [string, Variable][] {
    const out: [string, Variable][] = [];
    for (const [name, p] of this.params) out.push([join(prefix, name), p]);
    for (const [name, child] of this.kids) out.push(...child.namedParameters(join(prefix, name)));
    return out;
  }

  /** Every parameter of the subtree. */
  parameters(): Variable[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** Parameters with `requiresGrad` (tfjs `trainable`) set: the ones an optimizer updates. */
  trainableParameters(): Variable[] {
    return this.parameters().filter((p) => p.trainable);
  }

  /** Every buffer of the subtree with its dotted name, e.g. `bn1.runningMean`. */
  namedBuffers(prefix = ''): [string, Variable][] {
    const out: [string, Variable][] = [];
    for (const [name, b] of this.bufs) out.push([join(prefix, name), b]);
    for (const [name, child] of this.kids) out.push(...child.namedBuffers(join(prefix, name)));
    return out;
  }

  /** The total number of parameter elements (trainable or not). */
  numParameters(): number {
    return this.parameters().reduce((n, p) => n + p.size, 0);
  }

  /** Freezes (`false`) or unfreezes (`true`) every parameter of the subtree. */
  requiresGrad(flag: boolean): this {
    for (const p of this.parameters()) p.trainable = flag;
    return this;
  }

  /**
   * Parameters and buffers by dotted name. The tensors are the module's own variables, not
   * copies: read or clone them, do not dispose them.
   */
  stateDict(): Record<string, Tensor> {
    this.checkLive('stateDict');
    const out: Record<string, Tensor> = {};
    for (const [name, p] of this.namedParameters()) out[name] = p;
    for (const [name, b] of this.namedBuffers()) out[name] = b;
    return out;
  }

  /**
   * Copies values into parameters and buffers by name. With `strict` (default) missing and
   * unexpected keys are an error; a shape mismatch is always an error, and so are a `state` that is
   * not a `{ name: Tensor }` object, a value that is not a tensor, a disposed tensor and a string or
   * complex tensor. Every problem is reported in one message, and nothing is written unless every
   * check passes. Values are cast to the buffer's dtype (an int32 `numBatchesTracked` is fine). NaN
   * and ±∞ are accepted unless `checkFinite` (PyTorch accepts them too).
   *
   * Memory: each variable takes the value's data (shared, not copied: tfjs counts references), and
   * nothing else stays behind, so loading in a loop keeps the tensor count flat. The caller keeps
   * ownership of `state` and disposes it when done.
   */
  loadStateDict(state: Record<string, Tensor>, options: LoadStateDictOptions = {}): this {
    const who = `${this.className}.loadStateDict`;
    this.checkLive('loadStateDict');
    if (state === null || typeof state !== 'object' || Array.isArray(state) || state instanceof Tensor) {
      const got = Array.isArray(state) ? 'an array' : state instanceof Tensor ? 'a Tensor' : String(state);
      throw new Error(`${who}: expected a { name: Tensor } object (as stateDict() returns), got ${got}`);
    }
    const strict = options.strict ?? true;
    const own = this.stateDict();
    const missing = Object.keys(own).filter((k) => !(k in state));
    const unexpected = Object.keys(state).filter((k) => !(k in own));
    const problems: string[] = [];
    if (strict && missing.length) problems.push(`missing keys: ${missing.join(', ')}`);
    if (strict && unexpected.length) problems.push(`unexpected keys: ${unexpected.join(', ')}`);
    const bad: string[] = [];
    const mismatched: string[] = [];
    const toLoad: [string, Variable, Tensor][] = [];
    for (const [k, v] of Object.entries(state)) {
      if (!(k in own)) continue;
      const why = unloadable(v);
      if (why !== undefined) bad.push(`${k}: ${why}`);
      else if (!sameShape(own[k].shape, v.shape))
        mismatched.push(`${k}: expected [${own[k].shape}], got [${v.shape}]`);
      else toLoad.push([k, own[k] as Variable, v]);
    }
    if (bad.length) problems.push(`unusable values: ${bad.join('; ')}`);
    if (mismatched.length) problems.push(`shape mismatches: ${mismatched.join('; ')}`);
    if (!problems.length && options.checkFinite) {
      const nonFinite = nonFiniteKeys(toLoad);
      if (nonFinite.length) problems.push(`non-finite values (checkFinite): ${nonFinite.join(', ')}`);
    }
    if (problems.length) throw new Error(`${who}: ${problems.join(' | ')}; nothing was loaded`);
    // Every value is converted first, then all are assigned: nothing is half-written. Variable.assign
    // takes a reference to the value's data without disposing the value, so the converted tensors must
    // die with this tidy (tfjs 4.22), or each load would leave a copy of the weights behind.
    tidy(() => {
      const values = toLoad.map(([, target, v]) => reshape(cast(v, target.dtype), target.shape));
      toLoad.forEach(([, target], i) => {
        target.assign(values[i] as Tensor);
      });
    });
    return this;
  }

  /**
   * Constructor options, enough to build an equal (freshly initialized) module: a copy of `options`
   * (Keras's `get_config`). Containers override it to nest their children's configs.
   */
  toConfig(): ModuleConfig {
    return {
      className: this.className,
      config: this.options ? (structuredClone(this.options) as Record<string, unknown>) : {},
    };
  }

  /** Disposes every parameter and buffer of the subtree. */
  dispose(): void {
    this.disposed = true;
    for (const p of this.params.values()) p.dispose();
    for (const b of this.bufs.values()) b.dispose();
    for (const child of this.kids.values()) child.dispose();
    this.params.clear();
    this.bufs.clear();
  }
}

/** What a non-module is, for messages: a class or function by name, else its type. */
function describe(x: unknown): string {
  if (typeof x === 'function')
    return `${x.name || 'a function'} (a class or function, not an instance: call it first?)`;
  if (x === null || x === undefined) return String(x);
  return typeof x === 'object' ? (x.constructor?.name ?? 'an object') : typeof x;
}

function join(prefix: string, name: string): string {
  return prefix ? `${prefix}.${name}` : name;
}

/** Why `v` cannot be loaded into a float variable, or undefined when it can. */
function unloadable(v: unknown): string | undefined {
  if (!(v instanceof Tensor)) {
    const got = Array.isArray(v) ? 'an array' : v === null ? 'null' : typeof v;
    return `not a Tensor (got ${got}; make one with tensor(values, shape))`;
  }
  if (v.isDisposed) return 'the tensor was disposed (load before disposing the source, or clone it)';
  if (v.dtype === 'string' || v.dtype === 'complex64')
    return `dtype ${v.dtype} cannot be loaded (numbers only)`;
  return undefined;
}

/** The keys whose value holds a NaN or ±∞: one synchronous read per value. */
function nonFiniteKeys(toLoad: [string, Variable, Tensor][]): string[] {
  const out: string[] = [];
  for (const [key, , v] of toLoad) {
    if (!canReadSync(v)) {
      throw new Error(
        `loadStateDict: checkFinite cannot read '${key}' synchronously on this backend (webgpu, ` +
          'a tensor on the GPU): check it with `await t.data()`, or load without checkFinite; nothing was loaded',
      );
    }
    const data = v.dataSync() as ArrayLike<number>;
    for (let j = 0; j < data.length; j++) {
      if (!Number.isFinite(data[j])) {
        out.push(key);
        break;
      }
    }
  }
  return out;
}

function sameShape(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
