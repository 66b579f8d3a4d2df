import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import {
  affineStep,
  attrsOf,
  flatProgram,
  runProgram,
  size,
  VIEW_UNIFORMS,
  viewFunctions,
  viewUniforms,
  XHAT_FUNCTION,
} from './norm-program';

/** The kernel name (convkit's own: tfjs has no such kernel). */
export const NormApply = 'ConvkitNormApply';

/**
 * `NormApply` {x, stats, weight?, bias?} (attrs: `view`, `eps`) → y = x̂·weight + bias, x̂ from the
 * packed statistics of `NormMoments`. Elementwise: one invocation per output value.
 */
const normApply: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, stats, weight, bias } = inputs as Record<string, TensorInfo | undefined> & {
    x: TensorInfo;
    stats: TensorInfo;
  };
  const { view, eps } = attrsOf(attrs);
  const affine = affineStep(weight, bias, 'j');
  const program = flatProgram(
    `convkitNormApply_${weight ? 'w' : ''}${bias ? 'b' : ''}${view[3] === 1 ? 't1' : 't'}`,
    ['x', 'stats', ...affine.names],
    x.shape,
    `${VIEW_UNIFORMS}paramSize : i32, eps : f32, `,
    viewFunctions(view[3] === 1) + XHAT_FUNCTION,
    `
      let j = index % uniforms.paramSize;
      var y = xhatOf(x[index], statOf(index));
      ${affine.wgsl}
    `,
  );
  return runProgram(
    backend,
    program,
    [x, stats, ...affine.inputs],
    [
      ...viewUniforms(view),
      { type: 'int32', data: [affine.inputs.length ? size(affine.inputs[0].shape) : 1] },
      { type: 'float32', data: [eps] },
    ],
  );
};

/**
 * `NormApply` for webgpu.
 *
 * @example
 * registerKernel(normApplyKernel('webgpu'));
 */
export function normApplyKernel(backendName: 'webgpu'): KernelConfig {
  return { kernelName: NormApply, backendName, kernelFunc: normApply };
}
