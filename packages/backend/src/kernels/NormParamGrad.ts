import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import {
  attrsOf,
  reductionProgram,
  runProgram,
  size,
  spreadFor,
  VIEW_UNIFORMS,
  viewFunctions,
  viewUniforms,
  XHAT_FUNCTION,
} from './norm-program';

/** The kernel name (convkit's own: tfjs has no such kernel). */
export const NormParamGrad = 'ConvkitNormParamGrad';

/**
 * `NormParamGrad` {dy, x, stats} (attrs: `view`, `eps`, `which`: 'weight' | 'bias', `paramSize`) →
 * Σ dy·x̂ or Σ dy over the positions sharing each parameter. One workgroup per parameter.
 */
const normParamGrad: KernelFunc = ({ inputs, backend, attrs }) => {
  const { dy, x, stats } = inputs as { dy: TensorInfo; x: TensorInfo; stats: TensorInfo };
  const { view, eps } = attrsOf(attrs);
  const { which, paramSize } = attrs as unknown as { which: 'weight' | 'bias'; paramSize: number };
  const total = size(x.shape);
  if (!Number.isInteger(paramSize) || paramSize < 1 || total % paramSize !== 0) {
    throw new Error(
      `convkit ${NormParamGrad}: paramSize ${paramSize} does not divide the input size ${total}`,
    );
  }
  const rows = total / paramSize;
  const term = which === 'bias' ? 'dy[o]' : 'dy[o] * xhatOf(x[o], statOf(o))';
  // Bind only what the shader reads: WebGPU's automatic layout drops unused bindings.
  const used = which === 'bias' ? [dy] : [dy, x, stats];
  const program = reductionProgram(
    `convkitNormParamGrad_${which}${view[3] === 1 ? 't1' : 't'}`,
    which === 'bias' ? ['dy'] : ['dy', 'x', 'stats'],
    [paramSize],
    paramSize,
    spreadFor(rows),
    `${VIEW_UNIFORMS}paramSize : i32, rows : i32, eps : f32, `,
    which === 'bias' ? '' : viewFunctions(view[3] === 1) + XHAT_FUNCTION,
    `
      let valid = group < uniforms.paramSize;
      let count = select(0, uniforms.rows, valid);
      var a = 0.0;
      for (var m = lane; m < count; m = m + step) {
        let o = m * uniforms.paramSize + group;
        a = a + ${term};
      }
      let total = reduceLanes(lane, a, 0.0).x;
      if (valid && lane == 0) {
        result[group] = total;
      }
    `,
  );
  return runProgram(backend, program, used, [
    ...viewUniforms(view),
    { type: 'int32', data: [paramSize] },
    { type: 'int32', data: [rows] },
    { type: 'float32', data: [eps] },
  ]);
};

/**
 * `NormParamGrad` for webgpu.
 *
 * @example
 * registerKernel(normParamGradKernel('webgpu'));
 */
export function normParamGradKernel(backendName: 'webgpu'): KernelConfig {
  return { kernelName: NormParamGrad, backendName, kernelFunc: normParamGrad };
}
