import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { affineStep, flatProgram, runProgram, size } from './norm-program';

/** The kernel name (convkit's own: tfjs has no such kernel). */
export const NormApplyRunning = 'ConvkitNormApplyRunning';

/**
 * `NormApplyRunning` {x, mean [C], variance [C], weight?, bias?} (attr `eps`) → evaluation mode:
 * y = (x − mean)·rsqrt(variance + eps)·weight + bias per channel c = flat index mod C, in one
 * elementwise launch.
 */
const normApplyRunning: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, mean, variance, weight, bias } = inputs as Record<string, TensorInfo | undefined> & {
    x: TensorInfo;
    mean: TensorInfo;
    variance: TensorInfo;
  };
  const { eps } = attrs as unknown as { eps: number };
  const channels = size(mean.shape);
  for (const t of [variance, weight, bias]) {
    if (t && size(t.shape) !== channels) {
      throw new Error(
        `convkit ${NormApplyRunning}: mean, variance, weight and bias must have one value per channel`,
      );
    }
  }
  const affine = affineStep(weight, bias, 'c');
  const program = flatProgram(
    `convkitNormApplyRunning_${weight ? 'w' : ''}${bias ? 'b' : ''}`,
    ['x', 'mean', 'variance', ...affine.names],
    x.shape,
    'channels : i32, eps : f32, ',
    '',
    `
      let c = index % uniforms.channels;
      // Subtract first: x·s − mean·s would cancel for large means.
      var y = (x[index] - mean[c]) * inverseSqrt(variance[c] + uniforms.eps);
      ${affine.wgsl}
    `,
  );
  return runProgram(
    backend,
    program,
    [x, mean, variance, ...affine.inputs],
    [
      { type: 'int32', data: [channels] },
      { type: 'float32', data: [eps] },
    ],
  );
};

/**
 * `NormApplyRunning` for webgpu.
 *
 * @example
 * registerKernel(normApplyRunningKernel('webgpu'));
 */
export function normApplyRunningKernel(backendName: 'webgpu'): KernelConfig {
  return { kernelName: NormApplyRunning, backendName, kernelFunc: normApplyRunning };
}
