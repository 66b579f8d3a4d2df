import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { runInPlace } from './in-place-program';

/**
 * One Adam or AdamW update of a parameter, in place, in one WebGPU launch (PyTorch's rule, per element):
 *
 *   g ← −grad if maximize else grad
 *   AdamW (decoupled): p ← p·decay, decay = 1 − lr·weightDecay;   Adam: g ← g + weightDecay·p
 *   m ← β1·m + (1 − β1)·g,   v ← β2·v + (1 − β2)·g²,   v̂max ← max(v̂max, v) (amsgrad)
 *   p ← p − stepSize · m / (√v / √(1 − β2ᵗ) + eps),   stepSize = lr / (1 − β1ᵗ)   (v̂max for amsgrad)
 *
 * Inputs `param`, `grad`, `expAvg` (m), `expAvgSq` (v) and, with amsgrad, `maxExpAvgSq`; the
 * parameter and the moments are written in place (the caller must own them: see
 * `in-place-program.ts`). The scalars that depend on the step are computed by the caller in float64:
 * attrs `beta1`, `beta2`, `eps`, `weightDecay`, `decay`, `stepSize`, `biasCorrection2Sqrt`, and the
 * flags `amsgrad`, `maximize`, `decoupled`. Returns `param` (the same data).
 *
 * @example
 * engine().runKernel(AdamUpdate, { param, grad, expAvg, expAvgSq }, { beta1: 0.9, … });
 */
export const AdamUpdate = 'ConvkitAdamUpdate';

/** The attributes of {@link AdamUpdate}. */
export interface AdamUpdateAttrs {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  decay: number;
  stepSize: number;
  biasCorrection2Sqrt: number;
  amsgrad: boolean;
  maximize: boolean;
  decoupled: boolean;
}

const adamUpdateFunc: KernelFunc = ({ inputs, backend, attrs }) => {
  const { param, grad, expAvg, expAvgSq, maxExpAvgSq } = inputs as Record<string, TensorInfo | undefined> &
    Record<'param' | 'grad' | 'expAvg' | 'expAvgSq', TensorInfo>;
  const a = attrs as unknown as AdamUpdateAttrs;
  if (a.amsgrad && maxExpAvgSq === undefined)
    throw new Error(`convkit ${AdamUpdate}: amsgrad needs maxExpAvgSq`);
  const decay = a.decoupled ? 'p = p * u.decay;' : 'if (u.weightDecay != 0.0) { g = g + u.weightDecay * p; }';
  runInPlace(backend, {
    key: `${AdamUpdate}_${a.amsgrad ? 'amsgrad' : 'plain'}_${a.decoupled ? 'decoupled' : 'coupled'}`,
    bindings: [
      { name: 'param', tensor: param, write: true },
      { name: 'grad', tensor: grad, write: false },
      { name: 'expAvg', tensor: expAvg, write: true },
      { name: 'expAvgSq', tensor: expAvgSq, write: true },
      ...(a.amsgrad ? [{ name: 'maxExpAvgSq', tensor: maxExpAvgSq as TensorInfo, write: true }] : []),
    ],
    uniforms: [
      { name: 'beta1', type: 'f32', value: a.beta1 },
      { name: 'oneMinusBeta1', type: 'f32', value: 1 - a.beta1 },
      { name: 'beta2', type: 'f32', value: a.beta2 },
      { name: 'oneMinusBeta2', type: 'f32', value: 1 - a.beta2 },
      { name: 'eps', type: 'f32', value: a.eps },
      { name: 'weightDecay', type: 'f32', value: a.weightDecay },
      { name: 'decay', type: 'f32', value: a.decay },
      { name: 'stepSize', type: 'f32', value: a.stepSize },
      { name: 'biasCorrection2Sqrt', type: 'f32', value: a.biasCorrection2Sqrt },
      { name: 'maximize', type: 'u32', value: a.maximize ? 1 : 0 },
    ],
    body: `
      var g = grad[i];
      if (u.maximize != 0u) { g = -g; }
      var p = param[i];
      ${decay}
      let m = expAvg[i] * u.beta1 + g * u.oneMinusBeta1;
      let v = expAvgSq[i] * u.beta2 + g * g * u.oneMinusBeta2;
      expAvg[i] = m;
      expAvgSq[i] = v;
      var vHat = v;
      ${a.amsgrad ? 'vHat = max(maxExpAvgSq[i], v);\n      maxExpAvgSq[i] = vHat;' : ''}
      let denom = sqrt(vHat) / u.biasCorrection2Sqrt + u.eps;
      param[i] = p - u.stepSize * (m / denom);`,
  });
  (backend as { incRef(dataId: object): void }).incRef(param.dataId);
  return { dataId: param.dataId, shape: param.shape, dtype: param.dtype };
};

/**
 * The {@link AdamUpdate} kernel for webgpu (the only backend with in-place programs).
 *
 * @example
 * registerKernel(adamUpdateKernel('webgpu'));
 */
export function adamUpdateKernel(backendName: 'webgpu'): KernelConfig {
  return { kernelName: AdamUpdate, backendName, kernelFunc: adamUpdateFunc };
}
