import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { runInPlace } from './in-place-program';

/**
 * One SGD update of a parameter, in place, in one WebGPU launch (PyTorch's rule, per element):
 *
 *   d ← −grad if maximize else grad;   d ← d + weightDecay·p
 *   with momentum μ: b ← d on the first step (`first`), else b ← μ·b + (1 − dampening)·d;
 *                    d ← d + μ·b (Nesterov) or d ← b
 *   p ← p − lr·d
 *
 * Inputs `param`, `grad` and, with momentum, `buffer` (b); the parameter and the buffer are written in
 * place (the caller must own them: see `in-place-program.ts`). Attrs `lr`, `momentum`, `dampening`,
 * `weightDecay`, and the flags `nesterov`, `maximize`, `first`. Returns `param` (the same data).
 *
 * @example
 * engine().runKernel(SgdUpdate, { param, grad, buffer }, { lr: 0.1, momentum: 0.9, … });
 */
export const SgdUpdate = 'ConvkitSgdUpdate';

/** The attributes of {@link SgdUpdate}: SGD's hyperparameters (the trainer's options too) and `first`. */
export interface SgdUpdateAttrs {
  /** Learning rate. */
  lr: number;
  /** Momentum factor μ. */
  momentum: number;
  /** Dampening of the gradient added to the momentum buffer. */
  dampening: number;
  /** Coupled weight decay (an L2 penalty's gradient, weightDecay·p, added to the gradient). */
  weightDecay: number;
  /** Nesterov momentum (needs momentum > 0 and dampening 0). */
  nesterov: boolean;
  /** Maximize the objective (step along the gradient). */
  maximize: boolean;
  /** The buffer's first step: b ← d, whatever it holds. */
  first: boolean;
}

const sgdUpdateFunc: KernelFunc = ({ inputs, backend, attrs }) => {
  const { param, grad, buffer } = inputs as Record<string, TensorInfo | undefined> &
    Record<'param' | 'grad', TensorInfo>;
  const a = attrs as unknown as SgdUpdateAttrs;
  const momentum = buffer !== undefined;
  runInPlace(backend, {
    key: `${SgdUpdate}_${momentum ? (a.nesterov ? 'nesterov' : 'momentum') : 'plain'}`,
    bindings: [
      { name: 'param', tensor: param, write: true },
      { name: 'grad', tensor: grad, write: false },
      ...(momentum ? [{ name: 'buffer', tensor: buffer, write: true }] : []),
    ],
    uniforms: [
      { name: 'lr', type: 'f32', value: a.lr },
      { name: 'momentum', type: 'f32', value: a.momentum },
      { name: 'oneMinusDampening', type: 'f32', value: 1 - a.dampening },
      { name: 'weightDecay', type: 'f32', value: a.weightDecay },
      { name: 'maximize', type: 'u32', value: a.maximize ? 1 : 0 },
      { name: 'first', type: 'u32', value: a.first ? 1 : 0 },
    ],
    body: `
      var d = grad[i];
      if (u.maximize != 0u) { d = -d; }
      let p = param[i];
      if (u.weightDecay != 0.0) { d = d + u.weightDecay * p; }
      ${
        momentum
          ? `var b = d;
      if (u.first == 0u) { b = buffer[i] * u.momentum + d * u.oneMinusDampening; }
      buffer[i] = b;
      ${a.nesterov ? 'd = d + u.momentum * b;' : 'd = b;'}`
          : ''
      }
      param[i] = p - u.lr * d;`,
  });
  (backend as { incRef(dataId: object): void }).incRef(param.dataId);
  return { dataId: param.dataId, shape: param.shape, dtype: param.dtype };
};

/**
 * The {@link SgdUpdate} kernel for webgpu (the only backend with in-place programs).
 *
 * @example
 * registerKernel(sgdUpdateKernel('webgpu'));
 */
export function sgdUpdateKernel(backendName: 'webgpu'): KernelConfig {
  return { kernelName: SgdUpdate, backendName, kernelFunc: sgdUpdateFunc };
}
