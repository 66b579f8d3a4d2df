import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { flatProgram, runProgram } from './norm-program';

/** The kernel name (convkit's own: tfjs has no such kernel). */
export const NormRunningUpdate = 'ConvkitNormRunningUpdate';

/**
 * `NormRunningUpdate` {running [Q], stats [P, Q, 3], factor (a scalar)} (attrs `which`: 'mean' | 'var',
 * `unbiased` n/(n−1)) → (1 − f)·running + f·s, s the batch mean or unbiased variance averaged over p.
 */
const normRunningUpdate: KernelFunc = ({ inputs, backend, attrs }) => {
  const { running, stats, factor } = inputs as {
    running: TensorInfo;
    stats: TensorInfo;
    factor: TensorInfo;
  };
  const { which, unbiased } = attrs as unknown as { which: 'mean' | 'var'; unbiased: number };
  const [P, Q] = stats.shape;
  const program = flatProgram(
    `convkitNormRunningUpdate_${which}`,
    ['running', 'stats', 'factor'],
    running.shape,
    'P : i32, Q : i32, unbiased : f32, ',
    '',
    `
      var s = 0.0;
      for (var p = 0; p < uniforms.P; p = p + 1) {
        let at = 3 * (p * uniforms.Q + index);
        s = s + ${which === 'var' ? 'stats[at + 2]' : 'stats[at] + stats[at + 1]'};
      }
      let batch = s / f32(uniforms.P) * ${which === 'var' ? 'uniforms.unbiased' : '1.0'};
      let f = factor[0];
      result[index] = running[index] * (1.0 - f) + batch * f;
    `,
  );
  return runProgram(
    backend,
    program,
    [running, stats, factor],
    [
      { type: 'int32', data: [P] },
      { type: 'int32', data: [Q] },
      { type: 'float32', data: [unbiased] },
    ],
  );
};

/**
 * `NormRunningUpdate` for webgpu.
 *
 * @example
 * registerKernel(normRunningUpdateKernel('webgpu'));
 */
export function normRunningUpdateKernel(backendName: 'webgpu'): KernelConfig {
  return { kernelName: NormRunningUpdate, backendName, kernelFunc: normRunningUpdate };
}
