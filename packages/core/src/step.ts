import { tapeGradients } from '@convkit/backend';
import { mul, type NamedTensorMap, type Scalar, scalar, sub, type Tensor, tidy } from '@tensorflow/tfjs-core';
import type { Module } from './module';

/** The loss and the gradient of each trainable parameter, by dotted parameter name. */
export interface ValueAndGrads {
  loss: Scalar;
  grads: Record<string, Tensor>;
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
 * @example
 * const { loss, grads } = valueAndGrads(model, () => crossEntropy(model.call(x), y));
 * sgdStep(model, grads, 0.1);
 * dispose([loss, grads]);
 */
export function valueAndGrads(module: Module, lossFn: () => Scalar): ValueAndGrads {
  const named = module.namedParameters().filter(([, p]) => p.trainable);
  if (named.length === 0) throw new Error(`valueAndGrads: ${module.className} has no trainable parameters`);
  return tidy(() => {
    const { value, grads } = tapeGradients(
      lossFn,
      named.map(([, p]) => p),
      true,
    );
    if (value.rank !== 0) {
      throw new Error(`valueAndGrads: lossFn must return a scalar, got shape [${value.shape}]`);
    }
    const out: NamedTensorMap = {};
    named.forEach(([name], i) => {
      const g = grads[i];
      if (g != null) out[name] = g;
    });
    if (Object.keys(out).length === 0) {
      throw new Error(
        `valueAndGrads: the loss does not depend on any trainable parameter of ${module.className}: ` +
          'run the model inside lossFn',
      );
    }
    return { loss: value as Scalar, grads: out };
  });
}

/**
 * Plain gradient descent, `p ← p - lr·g`, for each trainable parameter named in `grads`.
 * For tests and examples; the real optimizers live in `@convkit/trainer`. Does not dispose `grads`.
 *
 * @example
 * sgdStep(model, grads, 0.01);
 */
export function sgdStep(module: Module, grads: Record<string, Tensor>, lr: number): void {
  const params = new Map(module.namedParameters());
  for (const name of Object.keys(grads)) {
    if (!params.has(name)) throw new Error(`sgdStep: ${module.className} has no parameter '${name}'`);
  }
  tidy(() => {
    const step = scalar(lr);
    for (const [name, g] of Object.entries(grads)) {
      const p = params.get(name);
      if (p?.trainable) p.assign(sub(p, mul(step, g)));
    }
  });
}
