import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { flatProgram, runProgram } from './norm-program';

/** The kernel name (convkit's own: tfjs has no such kernel). */
export const NormRunningUpdate = 'ConvkitNormRunningUpdate';

/** WGSL: whether a float is finite (neither NaN nor ±∞: the exponent bits are not all ones). */
const FINITE_FUNCTION = `
  fn finite(v : f32) -> bool {
    return (bitcast<u32>(v) & 0x7f800000u) != 0x7f800000u;
  }
`;

/** WGSL: the batch mean and variance of channel q (averaged over p; the variance times `unbiased`). */
const BATCH_FUNCTION = `
  fn batchOf(q : i32) -> vec2<f32> {
    var m = 0.0;
    var v = 0.0;
    for (var p = 0; p < uniforms.P; p = p + 1) {
      let at = 3 * (p * uniforms.Q + q);
      m = m + stats[at] + stats[at + 1];
      v = v + stats[at + 2];
    }
    return vec2<f32>(m / f32(uniforms.P), v / f32(uniforms.P) * uniforms.unbiased);
  }
`;

/**
 * `NormRunningUpdate` {running [Q], stats [P, Q, 3], factor (a scalar)} (attrs `which`: 'mean' | 'var',
 * `unbiased` n/(n−1), the variance's factor in every call) → (1 − f)·running + f·s, s the batch mean or unbiased variance averaged over p;
 * a channel whose batch mean or variance is not finite keeps its running value (convkit skips the
 * update where PyTorch would store the NaN for good).
 *
 * `which: 'skipped'` {running: a count [1], stats} (no factor) → the count plus the number of channels
 * whose batch mean or variance is not finite: the channels the other two calls skip.
 */
const normRunningUpdate: KernelFunc = ({ inputs, backend, attrs }) => {
  const { running, stats, factor } = inputs as {
    running: TensorInfo;
    stats: TensorInfo;
    factor?: TensorInfo;
  };
  const { which, unbiased } = attrs as unknown as { which: 'mean' | 'var' | 'skipped'; unbiased: number };
  const [P, Q] = stats.shape;
  const uniforms = [
    { type: 'int32' as const, data: [P] },
    { type: 'int32' as const, data: [Q] },
    { type: 'float32' as const, data: [unbiased] },
  ];
  const helpers = `${FINITE_FUNCTION}${BATCH_FUNCTION}`;
  if (which === 'skipped') {
    const program = flatProgram(
      'convkitNormRunningUpdate_skipped',
      ['running', 'stats'],
      [1],
      'P : i32, Q : i32, unbiased : f32, ',
      helpers,
      `
      var n = running[0];
      for (var q = 0; q < uniforms.Q; q = q + 1) {
        let b = batchOf(q);
        if (!finite(b.x) || !finite(b.y)) {
          n = n + 1.0;
        }
      }
      result[index] = n;
    `,
    );
    return runProgram(backend, program, [running, stats], uniforms);
  }
  if (factor === undefined) throw new Error(`NormRunningUpdate: which '${which}' needs a factor`);
  const program = flatProgram(
    `convkitNormRunningUpdate_${which}`,
    ['running', 'stats', 'factor'],
    running.shape,
    'P : i32, Q : i32, unbiased : f32, ',
    helpers,
    `
      let b = batchOf(index);
      let batch = ${which === 'var' ? 'b.y' : 'b.x'};
      let f = factor[0];
      let updated = running[index] * (1.0 - f) + batch * f;
      result[index] = select(running[index], updated, finite(b.x) && finite(b.y));
    `,
  );
  return runProgram(backend, program, [running, stats, factor], uniforms);
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
