import { checkNumber, readsSync, tapeGradients } from '@convkit/backend';
import {
  concat,
  dispose,
  mul,
  type NamedTensorMap,
  reshape,
  type Scalar,
  scalar,
  sub,
  sum,
  type Tensor,
  tidy,
} from '@tensorflow/tfjs-core';
import type { Module } from './module';

/** The loss and the gradient of each trainable parameter, by dotted parameter name. */
export interface ValueAndGrads {
  loss: Scalar;
  grads: Record<string, Tensor>;
}

/** Options of {@link valueAndGrads} and {@link valueAndGradsAsync}. */
export interface ValueAndGradsOptions {
  /**
   * Check that the loss and every gradient are finite (default false). When one is not (NaN or ±∞),
   * throw a {@link NonFiniteError} naming the first non-finite gradient, in `namedParameters()` order,
   * and saying whether the loss itself was non-finite; the loss and gradients are disposed, so an
   * optimizer step never sees them and no weight is written. Costs two small reductions per
   * parameter and one read-back of `1 + parameters` numbers per call.
   */
  checkFinite?: boolean;
}

/**
 * Thrown by {@link valueAndGrads} with `checkFinite` when the loss or a gradient is NaN or ±∞.
 * Nothing was written: the loss and gradients are already disposed.
 *
 * @example
 * try { valueAndGrads(model, lossFn, { checkFinite: true }); }
 * catch (err) { if (err instanceof NonFiniteError) console.log(err.loss, err.gradients[0]); }
 */
export class NonFiniteError extends Error {
  override readonly name = 'NonFiniteError';
  /** The loss value (NaN, ±Infinity, or a finite number when only gradients are non-finite). */
  readonly loss: number;
  /** The parameters whose gradient holds a NaN or ±∞, in `namedParameters()` order. */
  readonly gradients: string[];

  constructor(who: string, loss: number, gradients: string[]) {
    const lossPart = Number.isFinite(loss) ? `the loss is finite (${loss})` : `the loss is ${loss}`;
    const gradPart =
      gradients.length === 0
        ? 'every gradient is finite'
        : `${gradients.length} gradient(s) are not finite, the first of '${gradients[0]}'`;
    super(
      `${who}: ${lossPart} and ${gradPart}; nothing was written (loss and gradients disposed). ` +
        'Look for a learning rate too high, a log or division of 0, or NaN in the inputs.',
    );
    this.loss = loss;
    this.gradients = gradients;
  }
}

/**
 * The loss and its gradients w.r.t. `module`'s trainable parameters (frozen ones, `trainable`
 * false, are excluded), keyed by `namedParameters()` names.
 *
 * Runs `lossFn` on a gradient tape and walks it backward with `@convkit/backend`'s `tapeGradients`:
 * tfjs's gradient functions in tfjs's order (so tfjs's numbers), but each tape node's saved tensors
 * and its outputs' gradients are freed as soon as backward has passed it, where tfjs's
 * `variableGrads` keeps every activation and every intermediate gradient until the end (about twice
 * the memory at the peak). When `lossFn` or a gradient throws, nothing leaks: the forward output is
 * freed by `tidy` and the tape's saved tensors by `tapeGradients`. A trainable parameter the loss
 * does not depend on has no entry. The caller disposes `loss` and `grads` (`dispose(grads)`).
 *
 * Options: `checkFinite` (false) throws a {@link NonFiniteError} when the loss or a gradient is NaN
 * or ±∞, before anything is written. It reads the check back synchronously, which cpu, wasm and
 * browsers' webgpu can do; on webgpu in Node use {@link valueAndGradsAsync}.
 *
 * @example
 * const { loss, grads } = valueAndGrads(model, () => crossEntropy(model.call(x), y), { checkFinite: true });
 * sgdStep(model, grads, 0.1);
 * dispose([loss, grads]);
 */
export function valueAndGrads(
  module: Module,
  lossFn: () => Scalar,
  options: ValueAndGradsOptions = {},
): ValueAndGrads {
  if (options.checkFinite && !readsSync()) {
    throw new Error(
      'valueAndGrads: checkFinite reads the check back synchronously, which this backend cannot do ' +
        '(webgpu in Node): use `await valueAndGradsAsync(module, lossFn, { checkFinite: true })`',
    );
  }
  const result = computeValueAndGrads('valueAndGrads', module, lossFn);
  if (options.checkFinite) {
    const flags = finiteFlags(result);
    let values: ArrayLike<number>;
    try {
      values = flags.dataSync();
    } catch (err) {
      dispose([result.loss, result.grads]);
      throw err;
    } finally {
      flags.dispose();
    }
    throwIfNonFinite('valueAndGrads', result, values);
  }
  return result;
}

/**
 * {@link valueAndGrads} for every backend: the same result, with the `checkFinite` read-back done
 * asynchronously (`await data()`), as webgpu in Node needs. Without `checkFinite` it is
 * `valueAndGrads` in a resolved promise.
 *
 * @example
 * const { loss, grads } = await valueAndGradsAsync(model, lossFn, { checkFinite: true });
 */
export async function valueAndGradsAsync(
  module: Module,
  lossFn: () => Scalar,
  options: ValueAndGradsOptions = {},
): Promise<ValueAndGrads> {
  const result = computeValueAndGrads('valueAndGradsAsync', module, lossFn);
  if (options.checkFinite) {
    const flags = finiteFlags(result);
    let values: ArrayLike<number>;
    try {
      values = await flags.data();
    } catch (err) {
      dispose([result.loss, result.grads]);
      throw err;
    } finally {
      flags.dispose();
    }
    throwIfNonFinite('valueAndGradsAsync', result, values);
  }
  return result;
}

function computeValueAndGrads(who: string, module: Module, lossFn: () => Scalar): ValueAndGrads {
  const named = module.namedParameters().filter(([, p]) => p.trainable);
  if (named.length === 0) throw new Error(`${who}: ${module.className} has no trainable parameters`);
  return tidy(() => {
    const { value, grads } = tapeGradients(
      lossFn,
      named.map(([, p]) => p),
      true,
    );
    if (value.rank !== 0) {
      throw new Error(`${who}: lossFn must return a scalar, got shape [${value.shape}]`);
    }
    const out: NamedTensorMap = {};
    named.forEach(([name], i) => {
      const g = grads[i];
      if (g != null) out[name] = g;
    });
    if (Object.keys(out).length === 0) {
      throw new Error(
        `${who}: the loss does not depend on any trainable parameter of ${module.className}: ` +
          'run the model inside lossFn',
      );
    }
    return { loss: value as Scalar, grads: out };
  });
}

/**
 * `[loss, Σ 0·g₁, Σ 0·g₂, …]`: a gradient's entry is 0 when every element is finite and NaN otherwise
 * (0·NaN = 0·∞ = NaN), so one small read-back covers every gradient, and no sum can overflow.
 */
function finiteFlags({ loss, grads }: ValueAndGrads): Tensor {
  return tidy(() =>
    concat([reshape(loss, [1]), ...Object.values(grads).map((g) => reshape(sum(mul(g, 0)), [1]))]),
  );
}

function throwIfNonFinite(who: string, result: ValueAndGrads, values: ArrayLike<number>): void {
  const names = Object.keys(result.grads);
  const bad = names.filter((_, i) => !Number.isFinite(values[i + 1]));
  const loss = values[0] as number;
  if (Number.isFinite(loss) && bad.length === 0) return;
  dispose([result.loss, result.grads]);
  throw new NonFiniteError(who, loss, bad);
}

/**
 * Plain gradient descent, `p ← p - lr·g`, for each trainable parameter named in `grads`.
 * For tests and examples; the real optimizers live in `@convkit/trainer`. Does not dispose `grads`.
 * Every name and shape is checked before any parameter is written.
 *
 * @example
 * sgdStep(model, grads, 0.01);
 */
export function sgdStep(module: Module, grads: Record<string, Tensor>, lr: number): void {
  checkNumber('sgdStep', 'lr', lr);
  const params = new Map(module.namedParameters());
  for (const [name, g] of Object.entries(grads)) {
    const p = params.get(name);
    if (p === undefined) throw new Error(`sgdStep: ${module.className} has no parameter '${name}'`);
    if (g.shape.length !== p.shape.length || g.shape.some((d, i) => d !== p.shape[i])) {
      throw new Error(
        `sgdStep: the gradient of '${name}' has shape [${g.shape}], the parameter [${p.shape}]: ` +
          'pass the grads of valueAndGrads for this module',
      );
    }
  }
  tidy(() => {
    const step = scalar(lr);
    for (const [name, g] of Object.entries(grads)) {
      const p = params.get(name);
      if (p?.trainable) p.assign(sub(p, mul(step, g)));
    }
  });
}
