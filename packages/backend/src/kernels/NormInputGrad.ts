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
export const NormInputGrad = 'ConvkitNormInputGrad';

/**
 * `NormInputGrad` {dy, x, stats, weight?} (attrs: `view`, `eps`) →
 * dx = (g − mean(g) − x̂·mean(g·x̂))·rsqrt(var + eps), g = dy·weight, means over each statistic's
 * values. One workgroup per statistic.
 */
const normInputGrad: KernelFunc = ({ inputs, backend, attrs }) => {
  const { dy, x, stats, weight } = inputs as Record<string, TensorInfo | undefined> & {
    dy: TensorInfo;
    x: TensorInfo;
    stats: TensorInfo;
  };
  const { view, eps } = attrsOf(attrs);
  const [P, R, Q, T] = view;
  const g = weight ? 'dy[o] * weight[o % uniforms.paramSize]' : 'dy[o]';
  const program = reductionProgram(
    `convkitNormInputGrad_${weight ? 'w' : ''}${T === 1 ? 't1' : 't'}`,
    ['dy', 'x', 'stats', ...(weight ? ['weight'] : [])],
    x.shape,
    P * Q,
    spreadFor(R * T),
    `${VIEW_UNIFORMS}numStats : i32, paramSize : i32, eps : f32, `,
    viewFunctions(T === 1) + XHAT_FUNCTION,
    `
      let valid = group < uniforms.numStats;
      let n = uniforms.R * uniforms.T;
      let count = select(0, n, valid);
      let stat = min(group, uniforms.numStats - 1);
      let base = viewBase(stat);
      let inv = inverseSqrt(stats[3 * stat + 2] + uniforms.eps);
      var a = 0.0;
      var b = 0.0;
      for (var k = lane; k < count; k = k + step) {
        let o = viewOffset(base, k);
        let g = ${g};
        a = a + g;
        b = b + g * xhatOf(x[o], stat);
      }
      let means = reduceLanes(lane, a, b) / f32(n);
      for (var k = lane; k < count; k = k + step) {
        let o = viewOffset(base, k);
        let g = ${g};
        result[o] = (g - means.x - xhatOf(x[o], stat) * means.y) * inv;
      }
    `,
  );
  return runProgram(
    backend,
    program,
    [dy, x, stats, ...(weight ? [weight] : [])],
    [
      ...viewUniforms(view),
      { type: 'int32', data: [P * Q] },
      { type: 'int32', data: [weight ? size(weight.shape) : 1] },
      { type: 'float32', data: [eps] },
    ],
  );
};

/**
 * `NormInputGrad` for webgpu.
 *
 * @example
 * registerKernel(normInputGradKernel('webgpu'));
 */
export function normInputGradKernel(backendName: 'webgpu'): KernelConfig {
  return { kernelName: NormInputGrad, backendName, kernelFunc: normInputGrad };
}
