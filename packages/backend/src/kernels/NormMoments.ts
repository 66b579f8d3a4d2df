import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import {
  attrsOf,
  reductionProgram,
  runProgram,
  spreadFor,
  VIEW_UNIFORMS,
  viewFunctions,
  viewUniforms,
} from './norm-program';

/** The kernel name (convkit's own: tfjs has no such kernel). */
export const NormMoments = 'ConvkitNormMoments';

/**
 * `NormMoments` {x} (attrs: `view` [P, R, Q, T]) → stats [P, Q, 3]: (shift, residual, variance) of
 * each statistic (see `norm-program.ts`). One workgroup per statistic, or one invocation per statistic
 * of at most 64 values (`Spread`).
 */
const normMoments: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x } = inputs as { x: TensorInfo };
  const { view } = attrsOf(attrs);
  const [P, R, Q, T] = view;
  const program = reductionProgram(
    `convkitNormMoments_${T === 1 ? 't1' : 't'}`,
    ['x'],
    [P, Q, 3],
    P * Q,
    spreadFor(R * T),
    `${VIEW_UNIFORMS}numStats : i32, `,
    viewFunctions(T === 1),
    `
      let valid = group < uniforms.numStats;
      let n = uniforms.R * uniforms.T;
      let count = select(0, n, valid);
      let base = viewBase(group);
      var s = 0.0;
      for (var k = lane; k < count; k = k + step) {
        s = s + x[viewOffset(base, k)];
      }
      let shift = reduceLanes(lane, s, 0.0).x / f32(n);
      var d1 = 0.0;
      var d2 = 0.0;
      for (var k = lane; k < count; k = k + step) {
        let d = x[viewOffset(base, k)] - shift;
        d1 = d1 + d;
        d2 = d2 + d * d;
      }
      let sums = reduceLanes(lane, d1, d2);
      if (valid && lane == 0) {
        let r = sums.x / f32(n);
        result[3 * group] = shift;
        result[3 * group + 1] = r;
        result[3 * group + 2] = max(sums.y / f32(n) - r * r, 0.0);
      }
    `,
  );
  return runProgram(backend, program, [x], [...viewUniforms(view), { type: 'int32', data: [P * Q] }]);
};

/**
 * `NormMoments` for webgpu.
 *
 * @example
 * registerKernel(normMomentsKernel('webgpu'));
 */
export function normMomentsKernel(backendName: 'webgpu'): KernelConfig {
  return { kernelName: NormMoments, backendName, kernelFunc: normMoments };
}
