import { RmspropUpdate, type RmspropUpdateAttrs } from '@convkit/backend';
import { add, div, mul, neg, sqrt, sub, type Tensor, tidy, type Variable } from '@tensorflow/tfjs-core';
import { hasKernel, runInPlaceKernel } from './fused';

/** The hyperparameters of one {@link rmspropUpdate}: the `RmspropUpdate` kernel's attributes. */
export type RmspropUpdateConfig = RmspropUpdateAttrs;

/** RMSprop's buffers of one parameter: s, and a (centered) and b (momentum > 0) when used. */
export interface RmspropBuffers {
  squareAvg: Variable;
  gradAvg?: Variable;
  momentumBuffer?: Variable;
}

/**
 * One RMSprop step of `param` (PyTorch's `torch.optim.RMSprop` rule):
 *
 *   g = −grad if maximize else grad;   g ← g + weightDecay·p
 *   s ← α·s + (1 − α)·g²
 *   centered: a ← α·a + (1 − α)·g,  avg = √(s − a²) + eps;   else avg = √s + eps
 *   momentum μ > 0: b ← μ·b + g/avg,  p ← p − lr·b;   else p ← p − lr·g/avg
 *
 * On a backend with convkit's `RmspropUpdate` kernel (webgpu) and `fused` (default), one launch writes
 * the parameter and the buffers in place; elsewhere tfjs ops compute the same values. Does not
 * dispose `grad`.
 *
 * @example
 * rmspropUpdate(w, g, { squareAvg }, { lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false });
 */
export function rmspropUpdate(
  param: Variable,
  grad: Tensor,
  buffers: RmspropBuffers,
  config: RmspropUpdateConfig,
  fused = true,
): void {
  const { lr, alpha, eps, weightDecay, momentum, centered, maximize } = config;
  if (centered && buffers.gradAvg === undefined)
    throw new Error('rmspropUpdate: centered needs buffers.gradAvg');
  if (momentum > 0 && buffers.momentumBuffer === undefined) {
    throw new Error('rmspropUpdate: momentum > 0 needs buffers.momentumBuffer');
  }
  if (fused && hasKernel(RmspropUpdate)) {
    const attrs: RmspropUpdateAttrs = { lr, alpha, eps, weightDecay, momentum, centered, maximize };
    runInPlaceKernel(
      RmspropUpdate,
      {
        param,
        squareAvg: buffers.squareAvg,
        gradAvg: centered ? buffers.gradAvg : undefined,
        buffer: momentum > 0 ? buffers.momentumBuffer : undefined,
      },
      { grad },
      attrs,
    );
    return;
  }
  tidy(() => {
    let g = maximize ? neg(grad) : grad;
    if (weightDecay !== 0) g = add(g, mul(param, weightDecay));
    const s = add(mul(buffers.squareAvg, alpha), mul(mul(g, g), 1 - alpha));
    buffers.squareAvg.assign(s);
    let avg: Tensor;
    if (centered) {
      const a = add(mul(buffers.gradAvg as Variable, alpha), mul(g, 1 - alpha));
      (buffers.gradAvg as Variable).assign(a);
      avg = add(sqrt(sub(s, mul(a, a))), eps);
    } else {
      avg = add(sqrt(s), eps);
    }
    if (momentum > 0) {
      const b = add(mul(buffers.momentumBuffer as Variable, momentum), div(g, avg));
      (buffers.momentumBuffer as Variable).assign(b);
      param.assign(sub(param, mul(b, lr)));
    } else {
      param.assign(sub(param, mul(div(g, avg), lr)));
    }
  });
}
