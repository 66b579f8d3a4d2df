import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

/**
 * Fused normalization kernels for webgpu: what BatchNorm, LayerNorm, InstanceNorm and GroupNorm need in
 * training, in 2 launches forward and 3 backward (+ 2 for BatchNorm's running statistics), where the
 * composed tfjs ops launch 29–44 programs per training step (bench/RESULTS.md). On a real GPU each launch
 * costs ~0.2 ms of overhead whatever its size, which made a composed BatchNorm2d cost more than the
 * conv before it (bench/RESULTS-gpu.md).
 *
 * Layout. Every norm sees its input as a contiguous [P, R, Q, T] view and keeps one statistic per
 * (p, q), over the R·T values x[p, r, q, t]:
 *
 *   BatchNorm [N, H, W, C]      → [1, N·H·W, C, 1]      InstanceNorm → [N, H·W, C, 1]
 *   GroupNorm [N, S, G, C/G]    → [N, S, G, C/G]        LayerNorm over [H, W, C] → [N, H·W·C, 1, 1]
 *   LayerNorm2d (over C)        → [N·H·W, C, 1, 1]
 *
 * Affine parameters (when given) are indexed by flat index mod their size: they match the trailing
 * axes of x ([C], [H, W, C], [G, C/G]).
 *
 * Kernels (attrs: `view` [P, R, Q, T], `eps`):
 * - `NormMoments` {x} → stats [P, Q, 3]: (shift, residual, variance) by the corrected two-pass
 *   algorithm (Chan, Golub & LeVeque): shift = mean(x) in float32, d = x − shift, residual = mean(d),
 *   variance = mean(d²) − residual² (biased), mean = shift + residual. One workgroup per statistic
 *   (one invocation per statistic of at most 64 values: `Spread`).
 *   No E[x²] − E[x]² cancellation, and the kernels below form x̂ as ((x − shift) − residual)·rsqrt(var
 *   + eps): x − shift is exact when the shift is close (Sterbenz), while rounding the mean itself to
 *   float32 would cost up to half an ulp of the mean — 0.3 % of the std for mean 1e3, std 1e-2.
 * - `NormApply` {x, stats, weight?, bias?} → y = x̂·weight + bias.
 * - `NormInputGrad` {dy, x, stats, weight?} → dx = (g − mean(g) − x̂·mean(g·x̂))·rsqrt(var + eps),
 *   g = dy·weight, means over each statistic's values. One workgroup per statistic.
 * - `NormParamGrad` {dy, x, stats} (attr `which`: 'weight' | 'bias', `paramSize`) →
 *   Σ dy·x̂ or Σ dy over the positions sharing each parameter. One workgroup per parameter.
 * - `NormApplyRunning` {x, mean [C], variance [C], weight?, bias?} (attr `eps`) → evaluation mode:
 *   y = (x − mean)·rsqrt(variance + eps)·weight + bias per channel c = flat index mod C, in one launch
 *   where the composed ops take 4 to 6.
 * - `NormRunningUpdate` {running [Q], stats [P, Q, 3], factor (a scalar)} (attrs `which`: 'mean' | 'var',
 *   `unbiased` n/(n−1)) → (1 − f)·running + f·s, s the batch mean or unbiased variance averaged over p.
 *
 * Sums are float32, each workgroup lane summing a strided slice and a tree over the lanes. The
 * kernels bind only the inputs their shader reads (WebGPU's automatic layout drops unused bindings).
 *
 * @example
 * const stats = engine().runKernel(NormMoments, { x }, { view: [1, 32 * 32 * 32, 64, 1] });
 */
export const NormMoments = 'ConvkitNormMoments';
export const NormApply = 'ConvkitNormApply';
export const NormInputGrad = 'ConvkitNormInputGrad';
export const NormParamGrad = 'ConvkitNormParamGrad';
export const NormRunningUpdate = 'ConvkitNormRunningUpdate';
export const NormApplyRunning = 'ConvkitNormApplyRunning';

/** The [P, R, Q, T] view of a norm's input (see the module docs). */
export type NormView = [number, number, number, number];

/** The parts of tfjs-backend-webgpu's program interface these kernels fill in. */
interface Program {
  variableNames: string[];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number];
  uniforms?: string;
  size?: boolean;
  getUserCode(): string;
}

interface WebGpuBackendLike {
  runWebGPUProgram(
    program: Program,
    inputs: TensorInfo[],
    outputDtype: 'float32',
    uniforms?: { type: 'int32' | 'float32'; data: number[] }[],
  ): TensorInfo;
}

type Uniform = { type: 'int32' | 'float32'; data: number[] };

const VIEW_UNIFORMS = 'P : i32, R : i32, Q : i32, T : i32, ';

function viewUniforms(view: NormView): Uniform[] {
  return view.map((d) => ({ type: 'int32', data: [d] }) as Uniform);
}

const size = (shape: number[]) => shape.reduce((n, d) => n * d, 1);

/**
 * How a reduction program spreads its groups (statistics or parameters) of `n` values each: one
 * workgroup of `lanes` invocations per group, each lane summing a strided slice, then a tree over the
 * lanes; or, for groups of at most 64 values, one invocation per group summing them in order (no
 * barriers, and no idle lanes for LayerNorm2d's 64 channels or LayerNorm's 32 samples).
 */
type Spread = { lanes: number } | 'serial';

function spreadFor(n: number): Spread {
  return n <= 64 ? 'serial' : { lanes: n >= 2048 ? 256 : 128 };
}

/**
 * WGSL: where the k-th value of a statistic lies (`viewBase` + `viewOffset`), and which statistic a
 * flat index belongs to. With T = 1 (BatchNorm, InstanceNorm, LayerNorm) the offsets need no division.
 */
function viewFunctions(t1: boolean): string {
  return `
  fn viewBase(stat : i32) -> i32 {
    let p = stat / uniforms.Q;
    return ((p * uniforms.R) * uniforms.Q + stat - p * uniforms.Q) * uniforms.T;
  }
  fn viewOffset(base : i32, k : i32) -> i32 {
    ${
      t1
        ? 'return base + k * uniforms.Q;'
        : `let r = k / uniforms.T;
    return base + r * uniforms.Q * uniforms.T + k - r * uniforms.T;`
    }
  }
  fn statOf(flat : i32) -> i32 {
    let q = ${t1 ? 'flat % uniforms.Q' : '(flat / uniforms.T) % uniforms.Q'};
    let p = flat / (uniforms.R * uniforms.Q * uniforms.T);
    return p * uniforms.Q + q;
  }
`;
}

/** WGSL: x̂ of value v of statistic s, from stats (shift, residual, variance). */
const XHAT_FUNCTION = `
  fn xhatOf(v : f32, s : i32) -> f32 {
    return (v - stats[3 * s] - stats[3 * s + 1]) * inverseSqrt(stats[3 * s + 2] + uniforms.eps);
  }
`;

/** WGSL: `reduceLanes(lane, a, b)` returns the two sums over the group's lanes, to every lane. */
function reduceFunctions(spread: Spread): string {
  if (spread === 'serial') {
    return 'fn reduceLanes(lane : i32, a : f32, b : f32) -> vec2<f32> { return vec2<f32>(a, b); }';
  }
  const { lanes } = spread;
  return `
  var<workgroup> sumA : array<f32, ${lanes}>;
  var<workgroup> sumB : array<f32, ${lanes}>;
  fn reduceLanes(lane : i32, a : f32, b : f32) -> vec2<f32> {
    workgroupBarrier();
    sumA[lane] = a;
    sumB[lane] = b;
    workgroupBarrier();
    for (var s = ${lanes / 2}; s > 0; s = s / 2) {
      if (lane < s) {
        sumA[lane] = sumA[lane] + sumA[lane + s];
        sumB[lane] = sumB[lane] + sumB[lane + s];
      }
      workgroupBarrier();
    }
    return vec2<f32>(sumA[0], sumB[0]);
  }
`;
}

/**
 * A program reducing `groups` groups as `spread` says. The body sees `group` (may be ≥ the number of
 * groups in the last workgroup: guard writes), `lane` and `step`: a lane visits values lane, lane +
 * step, …; `reduceLanes` must be reached by every invocation (it holds barriers).
 */
function reductionProgram(
  key: string,
  variableNames: string[],
  outputShape: number[],
  groups: number,
  spread: Spread,
  uniforms: string,
  helpers: string,
  body: string,
): Program {
  const serial = spread === 'serial';
  const lanes = serial ? 64 : spread.lanes;
  return {
    variableNames,
    outputShape,
    shaderKey: `${key}_${serial ? 'serial' : lanes}`,
    dispatchLayout: { x: outputShape.map((_, i) => i) },
    dispatch: [serial ? Math.ceil(groups / lanes) : groups, 1, 1],
    workgroupSize: [lanes, 1, 1],
    uniforms,
    getUserCode: () => `
      ${helpers}
      ${reduceFunctions(spread)}
      fn main(index : i32) {
        let lane = ${serial ? '0' : 'i32(localIndex)'};
        let step = ${serial ? '1' : lanes};
        let group = ${serial ? 'index' : `index / ${lanes}`};
        ${body}
      }
    `,
  };
}

/** An elementwise program over the output. */
function flatProgram(
  key: string,
  variableNames: string[],
  outputShape: number[],
  uniforms: string,
  helpers: string,
  body: string,
): Program {
  const lanes = 128;
  return {
    variableNames,
    outputShape,
    shaderKey: key,
    dispatchLayout: { x: outputShape.map((_, i) => i) },
    dispatch: [Math.ceil(size(outputShape) / lanes), 1, 1],
    workgroupSize: [lanes, 1, 1],
    uniforms,
    size: true,
    getUserCode: () => `
      ${helpers}
      fn main(index : i32) {
        if (index < uniforms.size) {
          ${body}
        }
      }
    `,
  };
}

function attrsOf(attrs: unknown): { view: NormView; eps: number } {
  const { view, eps } = attrs as { view: number[]; eps?: number };
  if (!Array.isArray(view) || view.length !== 4)
    throw new Error('convkit norm kernels: view must be [P, R, Q, T]');
  return { view: view as NormView, eps: eps ?? 0 };
}

const run = (backend: unknown, program: Program, inputs: TensorInfo[], uniforms: Uniform[]) =>
  (backend as WebGpuBackendLike).runWebGPUProgram(program, inputs, 'float32', uniforms);

const momentsKernel: KernelFunc = ({ inputs, backend, attrs }) => {
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
  return run(backend, program, [x], [...viewUniforms(view), { type: 'int32', data: [P * Q] }]);
};

const applyKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, stats, weight, bias } = inputs as Record<string, TensorInfo | undefined> & {
    x: TensorInfo;
    stats: TensorInfo;
  };
  const { view, eps } = attrsOf(attrs);
  const params = [weight, bias].filter((p): p is TensorInfo => p !== undefined);
  const program = flatProgram(
    `convkitNormApply_${weight ? 'w' : ''}${bias ? 'b' : ''}${view[3] === 1 ? 't1' : 't'}`,
    ['x', 'stats', ...(weight ? ['weight'] : []), ...(bias ? ['bias'] : [])],
    x.shape,
    `${VIEW_UNIFORMS}paramSize : i32, eps : f32, `,
    viewFunctions(view[3] === 1) + XHAT_FUNCTION,
    `
      let j = index % uniforms.paramSize;
      var y = xhatOf(x[index], statOf(index));
      ${weight ? 'y = y * weight[j];' : ''}
      ${bias ? 'y = y + bias[j];' : ''}
      result[index] = y;
    `,
  );
  return run(
    backend,
    program,
    [x, stats, ...params],
    [
      ...viewUniforms(view),
      { type: 'int32', data: [params.length ? size(params[0].shape) : 1] },
      { type: 'float32', data: [eps] },
    ],
  );
};

const inputGradKernel: KernelFunc = ({ inputs, backend, attrs }) => {
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
  return run(
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

const paramGradKernel: KernelFunc = ({ inputs, backend, attrs }) => {
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
  return run(backend, program, used, [
    ...viewUniforms(view),
    { type: 'int32', data: [paramSize] },
    { type: 'int32', data: [rows] },
    { type: 'float32', data: [eps] },
  ]);
};

const applyRunningKernel: KernelFunc = ({ inputs, backend, attrs }) => {
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
  const params = [weight, bias].filter((p): p is TensorInfo => p !== undefined);
  const program = flatProgram(
    `convkitNormApplyRunning_${weight ? 'w' : ''}${bias ? 'b' : ''}`,
    ['x', 'mean', 'variance', ...(weight ? ['weight'] : []), ...(bias ? ['bias'] : [])],
    x.shape,
    'channels : i32, eps : f32, ',
    '',
    `
      let c = index % uniforms.channels;
      // Subtract first: x·s − mean·s would cancel for large means.
      var y = (x[index] - mean[c]) * inverseSqrt(variance[c] + uniforms.eps);
      ${weight ? 'y = y * weight[c];' : ''}
      ${bias ? 'y = y + bias[c];' : ''}
      result[index] = y;
    `,
  );
  return run(
    backend,
    program,
    [x, mean, variance, ...params],
    [
      { type: 'int32', data: [channels] },
      { type: 'float32', data: [eps] },
    ],
  );
};

const runningUpdateKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const { running, stats, factor } = inputs as { running: TensorInfo; stats: TensorInfo; factor: TensorInfo };
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
  return run(
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

/** The fused normalization kernels, for the webgpu backend. */
export const normalizeWebgpuKernels: KernelConfig[] = [
  { kernelName: NormMoments, backendName: 'webgpu', kernelFunc: momentsKernel },
  { kernelName: NormApply, backendName: 'webgpu', kernelFunc: applyKernel },
  { kernelName: NormInputGrad, backendName: 'webgpu', kernelFunc: inputGradKernel },
  { kernelName: NormParamGrad, backendName: 'webgpu', kernelFunc: paramGradKernel },
  { kernelName: NormRunningUpdate, backendName: 'webgpu', kernelFunc: runningUpdateKernel },
  { kernelName: NormApplyRunning, backendName: 'webgpu', kernelFunc: applyRunningKernel },
];
