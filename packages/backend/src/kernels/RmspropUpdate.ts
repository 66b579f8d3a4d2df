import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { runInPlace } from './in-place-program';

/**
 * One RMSprop update of a parameter, in place, in one WebGPU launch (PyTorch's rule, per element):
 *
 *   g ← −grad if maximize else grad;   g ← g + weightDecay·p
 *   s ← α·s + (1 − α)·g²;   centered: a ← α·a + (1 − α)·g, avg = √(s − a²) + eps;   else avg = √s + eps
 *   with momentum μ > 0: b ← μ·b + g/avg, p ← p − lr·b;   else p ← p − lr·g/avg
 *
 * Inputs `param`, `grad`, `squareAvg` (s), with `centered` `gradAvg` (a), with momentum `buffer` (b);
 * all but `grad` are written in place (the caller must own them: see `in-place-program.ts`). Attrs
 * `lr`, `alpha`, `eps`, `weightDecay`, `momentum`, and the flags `centered`, `maximize`. Returns
 * `param` (the same data).
 *
 * @example
 * engine().runKernel(RmspropUpdate, { param, grad, squareAvg }, { lr: 0.01, alpha: 0.99, … });
 */
export const RmspropUpdate = 'ConvkitRmspropUpdate';

/** The attributes of {@link RmspropUpdate}: RMSprop's hyperparameters (the trainer's options too). */
export interface RmspropUpdateAttrs {
  /** Learning rate. */
  lr: number;
  /** Smoothing constant α of the squared-gradient average, in [0, 1]. */
  alpha: number;
  /** Added to the denominator. */
  eps: number;
  /** Coupled weight decay (weightDecay·p added to the gradient). */
  weightDecay: number;
  /** Momentum factor. */
  momentum: number;
  /** Normalize by an estimate of the gradient's variance (subtract the squared mean gradient). */
  centered: boolean;
  /** Maximize the objective. */
  maximize: boolean;
}

const rmspropUpdateFunc: KernelFunc = ({ inputs, backend, attrs }) => {
  const { param, grad, squareAvg, gradAvg, buffer } = inputs as Record<string, TensorInfo | undefined> &
    Record<'param' | 'grad' | 'squareAvg', TensorInfo>;
  const a = attrs as unknown as RmspropUpdateAttrs;
  if (a.centered && gradAvg === undefined)
    throw new Error(`convkit ${RmspropUpdate}: centered needs gradAvg`);
  if (a.momentum > 0 && buffer === undefined)
    throw new Error(`convkit ${RmspropUpdate}: momentum needs buffer`);
  const momentum = a.momentum > 0;
  runInPlace(backend, {
    key: `${RmspropUpdate}_${a.centered ? 'centered' : 'plain'}_${momentum ? 'momentum' : 'direct'}`,
    bindings: [
      { name: 'param', tensor: param, write: true },
      { name: 'grad', tensor: grad, write: false },
      { name: 'squareAvg', tensor: squareAvg, write: true },
      ...(a.centered ? [{ name: 'gradAvg', tensor: gradAvg as TensorInfo, write: true }] : []),
      ...(momentum ? [{ name: 'buffer', tensor: buffer as TensorInfo, write: true }] : []),
    ],
    uniforms: [
      { name: 'lr', type: 'f32', value: a.lr },
      { name: 'alpha', type: 'f32', value: a.alpha },
      { name: 'oneMinusAlpha', type: 'f32', value: 1 - a.alpha },
      { name: 'eps', type: 'f32', value: a.eps },
      { name: 'weightDecay', type: 'f32', value: a.weightDecay },
      { name: 'momentum', type: 'f32', value: a.momentum },
      { name: 'maximize', type: 'u32', value: a.maximize ? 1 : 0 },
    ],
    body: `
      var g = grad[i];
      if (u.maximize != 0u) { g = -g; }
      let p = param[i];
      if (u.weightDecay != 0.0) { g = g + u.weightDecay * p; }
      let s = squareAvg[i] * u.alpha + g * g * u.oneMinusAlpha;
      squareAvg[i] = s;
      ${
        a.centered
          ? `let a = gradAvg[i] * u.alpha + g * u.oneMinusAlpha;
      gradAvg[i] = a;
      let avg = sqrt(s - a * a) + u.eps;`
          : 'let avg = sqrt(s) + u.eps;'
      }
      ${
        momentum
          ? `let b = buffer[i] * u.momentum + g / avg;
      buffer[i] = b;
      param[i] = p - u.lr * b;`
          : 'param[i] = p - u.lr * (g / avg);'
      }`,
  });
  (backend as { incRef(dataId: object): void }).incRef(param.dataId);
  return { dataId: param.dataId, shape: param.shape, dtype: param.dtype };
};

/**
 * The {@link RmspropUpdate} kernel for webgpu (the only backend with in-place programs).
 *
 * @example
 * registerKernel(rmspropUpdateKernel('webgpu'));
 */
export function rmspropUpdateKernel(backendName: 'webgpu'): KernelConfig {
  return { kernelName: RmspropUpdate, backendName, kernelFunc: rmspropUpdateFunc };
}
