import {
  engine,
  mul,
  type NamedTensorMap,
  type Scalar,
  scalar,
  sub,
  type Tensor,
  tidy,
  variableGrads,
} from '@tensorflow/tfjs-core';
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
 * Wraps tfjs `variableGrads` with the explicit variable list in `tidy`, so everything but the
 * returned tensors is freed. When `lossFn` or a gradient throws, bare `variableGrads` leaks twice:
 * the forward output (freed here by `tidy`) and the tensors the tape saved for backward, which
 * tfjs marks `kept` so no `tidy` frees them; those are disposed here from the abandoned tape.
 * A trainable parameter the loss does not depend on has no entry. The caller disposes `loss`
 * and `grads` (`dispose(grads)`).
 *
 * @example
 * const { loss, grads } = valueAndGrads(model, () => crossEntropy(model.call(x), y));
 * sgdStep(model, grads, 0.1);
 * dispose([loss, grads]);
 */
export function valueAndGrads(module: Module, lossFn: () => Scalar): ValueAndGrads {
  const named = module.namedParameters().filter(([, p]) => p.trainable);
  if (named.length === 0) throw new Error(`valueAndGrads: ${module.className} has no trainable parameters`);
  const byVariable = new Map(named.map(([name, p]) => [p.name, name]));
  try {
    return tidy(() => {
      const { value, grads } = variableGrads(
        lossFn,
        named.map(([, p]) => p),
      );
      const out: NamedTensorMap = {};
      for (const [varName, g] of Object.entries(grads)) {
        const name = byVariable.get(varName);
        if (name !== undefined && g != null) out[name] = g;
      }
      return { loss: value, grads: out };
    });
  } catch (err) {
    releaseAbandonedTape();
    throw err;
  }
}

/**
 * Disposes the tensors saved for backward on a tape that a throw abandoned. tfjs frees them only
 * at the end of a successful backward pass. Skipped inside an outer gradient computation, which
 * still owns the tape.
 */
function releaseAbandonedTape(): void {
  const state = engine().state;
  if (state.gradientDepth !== 0 || state.activeTape == null) return;
  for (const node of state.activeTape) {
    for (const t of node.saved ?? []) t.dispose();
  }
  state.activeTape = null as unknown as typeof state.activeTape;
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
