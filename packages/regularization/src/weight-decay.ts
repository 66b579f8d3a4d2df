import { declaresNoWeightDecay, type Module } from '@convkit/core';
import { add, mul, type Tensor, tidy, type Variable } from '@tensorflow/tfjs-core';

/** Parameters sharing one weight-decay coefficient, by dotted name (as `namedParameters()` and `valueAndGrads`). */
export interface ParamGroup {
  params: Record<string, Variable>;
  weightDecay: number;
}

/** Options of {@link paramGroups}. */
export interface ParamGroupsOptions {
  /** The coefficient of the decayed group. */
  weightDecay: number;
  /** Put biases and normalization parameters in a group without decay. Default true. */
  excludeNormAndBias?: boolean;
}

/**
 * Splits a module's trainable parameters into `[decayed, notDecayed]` groups, for any optimizer that
 * takes per-group options (`weightDecay` of the second group is 0).
 *
 * With `excludeNormAndBias` (default), a parameter is not decayed when
 * 1. its rank is ≤ 1 — biases, norm scales and shifts, per-channel gains (timm's rule), or
 * 2. its name ends in `bias`, or
 * 3. the module that owns it lists its local name in `noWeightDecay()` (core's `NoWeightDecay`) — the norms of @convkit/norms do,
 *    which catches LayerNorm({ normalizedShape: [H, W, C] })'s rank-3 weight.
 * Decaying these pulls normalized activations toward zero scale without reducing capacity (the scale
 * is re-learned), so it only fights the optimizer.
 *
 * @example
 * const [decay, noDecay] = paramGroups(model, { weightDecay: 5e-4 });
 */
export function paramGroups(module: Module, options: ParamGroupsOptions): [ParamGroup, ParamGroup] {
  if (!(options.weightDecay >= 0))
    throw new Error(`paramGroups: weightDecay must be >= 0, got ${options.weightDecay}`);
  const exclude = options.excludeNormAndBias ?? true;
  const decayed: Record<string, Variable> = {};
  const plain: Record<string, Variable> = {};
  for (const [prefix, owner] of module.namedModules()) {
    const skip = new Set(declaresNoWeightDecay(owner) ? owner.noWeightDecay() : []);
    for (const [name, p] of owner.namedParameters(prefix)) {
      const local = prefix ? name.slice(prefix.length + 1) : name;
      if (local.includes('.') || !p.trainable) continue; // a child's parameter, seen with its owner
      const noDecay = exclude && (p.rank <= 1 || local.endsWith('bias') || skip.has(local));
      (noDecay ? plain : decayed)[name] = p;
    }
  }
  return [
    { params: decayed, weightDecay: options.weightDecay },
    { params: plain, weightDecay: 0 },
  ];
}

/** Options of {@link applyWeightDecay}. */
export interface WeightDecayOptions {
  /** `'l2'`: add wd·w to the gradient; `'decoupled'`: shrink w directly (AdamW). */
  mode: 'l2' | 'decoupled';
  weightDecay: number;
  /** Learning rate; required by `'decoupled'` (w ← w − lr·wd·w). */
  lr?: number;
}

/**
 * Applies weight decay to the parameters `params` (by dotted name) given their gradients `grads`
 * (same names, e.g. from `valueAndGrads`). Parameters without a gradient are skipped.
 *
 * - `'l2'` (coupled): g ← g + wd·w, the gradient of the penalty (wd/2)·‖w‖² added to the loss. It goes
 *   through the optimizer: Adam rescales it per coordinate, which weakens decay on large-gradient weights.
 *   Returns a new map; the replaced gradient tensors are disposed (the returned map owns every entry).
 * - `'decoupled'` (Loshchilov & Hutter, AdamW): w ← w − lr·wd·w, applied to the weights, independent of
 *   the optimizer's gradient scaling. Returns the gradients unchanged (a new map, same tensors).
 *
 * For plain SGD both give the same step: w − lr·(g + wd·w) = w − lr·wd·w − lr·g.
 *
 * @example
 * const [decay] = paramGroups(model, { weightDecay: 1e-4 });
 * grads = applyWeightDecay(grads, decay.params, { mode: 'l2', weightDecay: decay.weightDecay });
 */
export function applyWeightDecay(
  grads: Record<string, Tensor>,
  params: Record<string, Variable>,
  options: WeightDecayOptions,
): Record<string, Tensor> {
  const { mode, weightDecay: wd } = options;
  if (!(wd >= 0)) throw new Error(`applyWeightDecay: weightDecay must be >= 0, got ${wd}`);
  if (mode !== 'l2' && mode !== 'decoupled') {
    throw new Error(`applyWeightDecay: mode must be 'l2' or 'decoupled', got '${mode}'`);
  }
  const out = { ...grads };
  if (wd === 0) return out;
  const names = Object.keys(params).filter((name) => name in grads && params[name].trainable);
  if (mode === 'l2') {
    for (const name of names) {
      out[name] = tidy(() => add(grads[name], mul(params[name], wd)));
      grads[name].dispose();
    }
    return out;
  }
  const lr = options.lr;
  if (lr === undefined || !(lr >= 0))
    throw new Error(`applyWeightDecay: 'decoupled' needs lr >= 0, got ${lr}`);
  tidy(() => {
    for (const name of names) params[name].assign(mul(params[name], 1 - lr * wd));
  });
  return out;
}
