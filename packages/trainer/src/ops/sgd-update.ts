import { SgdUpdate, type SgdUpdateAttrs } from '@convkit/backend';
import { add, mul, neg, type Tensor, tidy, type Variable, variable } from '@tensorflow/tfjs-core';
import { hasKernel, runInPlaceKernel } from './fused';
import { zerosVariable } from './zeros-variable';

/** The hyperparameters of one {@link sgdUpdate}: the `SgdUpdate` kernel's attributes but `first`. */
export type SgdUpdateConfig = Omit<SgdUpdateAttrs, 'first'>;

/**
 * One SGD step of `param` (PyTorch's `torch.optim.SGD` rule):
 *
 *   d = −grad if maximize else grad;   d ← d + weightDecay·p   (coupled, an L2 penalty's gradient)
 *   momentum μ ≠ 0: b ← d on the buffer's first step, else b ← μ·b + (1 − dampening)·d;
 *                   d ← d + μ·b (Nesterov) or d ← b
 *   p ← p − lr·d
 *
 * `buffer` is the momentum buffer (undefined before its first step). Returns the buffer to keep (a new
 * variable on its first step; undefined without momentum). On a backend with convkit's `SgdUpdate`
 * kernel (webgpu) and `fused` (default), one launch writes the parameter and the buffer in place;
 * elsewhere tfjs ops compute the same values. Does not dispose `grad`.
 *
 * @example
 * buffer = sgdUpdate(w, g, buffer, { lr: 0.1, momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: false, maximize: false });
 */
export function sgdUpdate(
  param: Variable,
  grad: Tensor,
  buffer: Variable | undefined,
  config: SgdUpdateConfig,
  fused = true,
): Variable | undefined {
  const { lr, momentum, dampening, weightDecay, nesterov, maximize } = config;
  if (fused && hasKernel(SgdUpdate)) {
    const first = momentum !== 0 && buffer === undefined;
    // The kernel sets the buffer on its first step; zerosVariable launches no GPU program.
    const b = first ? zerosVariable(param) : momentum !== 0 ? buffer : undefined;
    runInPlaceKernel(
      SgdUpdate,
      { param, buffer: b },
      { grad },
      { lr, momentum, dampening, weightDecay, nesterov, maximize, first },
    );
    return momentum !== 0 ? b : buffer;
  }
  return tidy(() => {
    let d = maximize ? neg(grad) : grad;
    if (weightDecay !== 0) d = add(d, mul(param, weightDecay));
    let next = buffer;
    if (momentum !== 0) {
      const b = buffer === undefined ? d : add(mul(buffer, momentum), mul(d, 1 - dampening));
      if (buffer === undefined) next = variable(b, false);
      else buffer.assign(b);
      d = nesterov ? add(d, mul(b, momentum)) : b;
    }
    param.assign(add(param, mul(d, -lr)));
    return next;
  });
}
