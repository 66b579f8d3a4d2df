import { Module } from '@convkit/core';
import { Variable } from '@tensorflow/tfjs-core';

/** A parameter an optimizer updates, with the name its gradient has in `step(grads)`. */
export interface NamedParameter {
  readonly name: string;
  readonly variable: Variable;
}

/**
 * Parameters, in any of the shapes convkit hands them out:
 * - a `Module`: every parameter by its dotted name (`namedParameters()`, frozen ones included, as
 *   PyTorch's `model.parameters()`; they get no gradient from `valueAndGrads`, so they do not move);
 * - `[name, Variable]` pairs, or a `{ name: Variable }` record (regularization's `paramGroups`);
 * - bare `Variable`s, named by their tfjs variable names (the keys of tfjs `variableGrads`).
 */
export type ParamSource =
  | Module
  | readonly Variable[]
  | readonly (readonly [string, Variable])[]
  | Readonly<Record<string, Variable>>;

/**
 * One group of parameters with its own hyperparameters (PyTorch's parameter group): what is not given
 * comes from the optimizer's options. `name` labels the group in messages ("backbone", "head").
 * `@convkit/regularization`'s `paramGroups(model, { weightDecay })` output fits as is.
 */
export type ParamGroupInput<H> = Partial<H> & { params: ParamSource; name?: string };

/** What optimizers take: parameters (one group) or a list of groups. */
export type OptimizerParams<H> = ParamSource | readonly ParamGroupInput<H>[];

/** A group as resolved from the input: its parameters, its own options, its label. */
export interface ResolvedGroup<H> {
  params: NamedParameter[];
  options: Partial<H>;
  name?: string;
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && !(x instanceof Variable);
}

const isPair = (x: unknown): x is readonly [string, Variable] =>
  Array.isArray(x) && x.length === 2 && typeof x[0] === 'string' && x[1] instanceof Variable;

/** A parameter source as named parameters; throws naming what it could not read. */
export function namedParameters(source: ParamSource, who: string): NamedParameter[] {
  if (source instanceof Module) {
    if (source.isDisposed) {
      throw new Error(`${who}: the ${source.className} passed as params was disposed; pass a live model`);
    }
    return source.namedParameters().map(([name, variable]) => ({ name, variable }));
  }
  if (Array.isArray(source)) {
    if (source.every((x) => x instanceof Variable)) {
      return (source as Variable[]).map((variable) => ({ name: variable.name, variable }));
    }
    if (source.every(isPair)) return source.map(([name, variable]) => ({ name, variable }));
    const bad = source.findIndex((x) => !(x instanceof Variable) && !isPair(x));
    throw new Error(
      `${who}: params[${bad}] is neither a Variable nor a [name, Variable] pair; ` +
        'pass a Module, Variables, [name, Variable] pairs, a { name: Variable } record or groups { params, ... }',
    );
  }
  if (isPlainObject(source)) {
    const entries = Object.entries(source);
    const bad = entries.find(([, v]) => !(v instanceof Variable));
    if (bad !== undefined) {
      throw new Error(
        `${who}: params['${bad[0]}'] is not a Variable (a tfjs Variable or a Module's parameter)`,
      );
    }
    return entries.map(([name, variable]) => ({ name, variable: variable as Variable }));
  }
  throw new Error(
    `${who}: cannot read parameters from ${source === null ? 'null' : typeof source}; ` +
      'pass a Module, Variables, [name, Variable] pairs, a { name: Variable } record or groups { params, ... }',
  );
}

/** True when `input` is a list of groups `{ params, ... }` rather than one source of parameters. */
function isGroupList<H>(input: OptimizerParams<H>): input is readonly ParamGroupInput<H>[] {
  return Array.isArray(input) && input.length > 0 && input.every((g) => isPlainObject(g) && 'params' in g);
}

/**
 * The groups of an optimizer's `params` argument, each with its named parameters and its own options.
 * Checks that no parameter appears twice (in one group or across groups) and that no name is given to
 * two different variables; throws naming them.
 */
export function resolveGroups<H>(input: OptimizerParams<H>, who: string): ResolvedGroup<H>[] {
  const groups: ResolvedGroup<H>[] = isGroupList(input)
    ? input.map((g, i) => {
        const { params, name, ...options } = g;
        if (name !== undefined && typeof name !== 'string') {
          throw new Error(`${who}: group ${i}: name must be a string, got ${typeof name}`);
        }
        return { params: namedParameters(params, `${who} group ${i}`), options: options as Partial<H>, name };
      })
    : [{ params: namedParameters(input as ParamSource, who), options: {} }];
  checkDistinct(
    groups.flatMap((g) => g.params),
    who,
  );
  return groups;
}

/** Throws when a variable is listed twice or two variables share a name. */
export function checkDistinct(params: readonly NamedParameter[], who: string): void {
  const byVariable = new Map<Variable, string>();
  const byName = new Map<string, Variable>();
  for (const { name, variable } of params) {
    const seen = byVariable.get(variable);
    if (seen !== undefined) {
      throw new Error(
        `${who}: parameter '${name}' is listed twice${seen === name ? '' : ` (also as '${seen}')`}; ` +
          'a parameter belongs to one group only',
      );
    }
    if (byName.has(name)) throw new Error(`${who}: two different parameters are both named '${name}'`);
    byVariable.set(variable, name);
    byName.set(name, variable);
  }
}
