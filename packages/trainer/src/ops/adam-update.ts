import { AdamUpdate, type AdamUpdateAttrs } from '@convkit/backend';
import { add, div, maximum, mul, neg, sqrt, type Tensor, tidy, type Variable } from '@tensorflow/tfjs-core';
import { hasKernel, runInPlaceKernel } from './fused';

/** The hyperparameters of one {@link adamUpdate}. */
export interface AdamUpdateConfig {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  maximize: boolean;
  /** AdamW: decay the weights directly (p ← p·(1 − lr·weightDecay)) instead of adding weightDecay·p to g. */
  decoupled: boolean;
  /** This update's step number t ≥ 1 (the parameter's own count), for the bias corrections 1 − βᵗ. */
  step: number;
}

/** Adam's moments of one parameter: m, v and, with amsgrad, the running maximum of v. */
export interface AdamMoments {
  expAvg: Variable;
  expAvgSq: Variable;
  maxExpAvgSq?: Variable;
}

/**
 * One Adam / AdamW step of `param` (PyTorch's `torch.optim.Adam` / `AdamW` rule):
 *
 *   g = −grad if maximize else grad
 *   Adam: g ← g + weightDecay·p;   AdamW: p ← p·(1 − lr·weightDecay)
 *   m ← β1·m + (1 − β1)·g,   v ← β2·v + (1 − β2)·g²,   amsgrad: vmax ← max(vmax, v), v̂ = vmax, else v̂ = v
 *   p ← p − (lr / (1 − β1ᵗ)) · m / (√v̂ / √(1 − β2ᵗ) + eps)
 *
 * The step-dependent scalars are computed in float64, as PyTorch does. On a backend with convkit's
 * `AdamUpdate` kernel (webgpu) and `fused` (default), one launch writes the parameter and the moments
 * in place; elsewhere tfjs ops compute the same values. Does not dispose `grad`.
 *
 * @example
 * adamUpdate(w, g, { expAvg, expAvgSq }, { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false, decoupled: false, step: 1 });
 */
export function adamUpdate(
  param: Variable,
  grad: Tensor,
  moments: AdamMoments,
  config: AdamUpdateConfig,
  fused = true,
): void {
  const { lr, beta1, beta2, eps, weightDecay, amsgrad, maximize, decoupled, step } = config;
  if (amsgrad && moments.maxExpAvgSq === undefined)
    throw new Error('adamUpdate: amsgrad needs moments.maxExpAvgSq');
  const stepSize = lr / (1 - beta1 ** step);
  const biasCorrection2Sqrt = Math.sqrt(1 - beta2 ** step);
  const decay = 1 - lr * weightDecay;
  if (fused && hasKernel(AdamUpdate)) {
    const attrs: AdamUpdateAttrs = {
      beta1,
      beta2,
      eps,
      weightDecay,
      decay,
      stepSize,
      biasCorrection2Sqrt,
      amsgrad,
      maximize,
      decoupled,
    };
    const { expAvg, expAvgSq, maxExpAvgSq } = moments;
    runInPlaceKernel(
      AdamUpdate,
      { param, expAvg, expAvgSq, maxExpAvgSq: amsgrad ? maxExpAvgSq : undefined },
      { grad },
      attrs,
    );
    return;
  }
  tidy(() => {
    let g = maximize ? neg(grad) : grad;
    let p: Tensor = param;
    if (decoupled) {
      if (weightDecay !== 0) p = mul(p, decay);
    } else if (weightDecay !== 0) {
      g = add(g, mul(p, weightDecay));
    }
    const m = add(mul(moments.expAvg, beta1), mul(g, 1 - beta1));
    const v = add(mul(moments.expAvgSq, beta2), mul(mul(g, g), 1 - beta2));
    let vHat = v;
    if (amsgrad) {
      vHat = maximum(moments.maxExpAvgSq as Variable, v);
      (moments.maxExpAvgSq as Variable).assign(vHat);
    }
    const denom = add(div(sqrt(vHat), biasCorrection2Sqrt), eps);
    param.assign(add(p, mul(div(m, denom), -stepSize)));
    moments.expAvg.assign(m);
    moments.expAvgSq.assign(v);
  });
}
