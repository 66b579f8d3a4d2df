import type { TensorInfo } from '@tensorflow/tfjs-core';

/**
 * What the fused normalization kernels for webgpu share (`NormMoments.ts`, `NormApply.ts`,
 * `NormInputGrad.ts`, `NormParamGrad.ts`, `NormApplyRunning.ts`, `NormRunningUpdate.ts`): the program
 * builders, the WGSL helpers and the view. Together the kernels are what BatchNorm, LayerNorm,
 * InstanceNorm and GroupNorm need in training: statistics and the normalized output forward, the input
 * and parameter gradients backward, and BatchNorm's running statistics — a few launches where the
 * composed tfjs ops launch dozens (bench/RESULTS.md counts them).
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
 * Statistics are packed as [P, Q, 3]: (shift, residual, variance) by the corrected two-pass algorithm
 * (Chan, Golub & LeVeque): shift = mean(x) in float32, d = x − shift, residual = mean(d),
 * variance = mean(d²) − residual² (biased), mean = shift + residual. No E[x²] − E[x]² cancellation,
 * and the kernels form x̂ as ((x − shift) − residual)·rsqrt(var + eps): x − shift is exact when the
 * shift is close (Sterbenz), while rounding the mean itself to float32 would cost up to half an ulp of
 * the mean — 0.3 % of the std for mean 1e3, std 1e-2.
 *
 * Sums are float32, each workgroup lane summing a strided slice and a tree over the lanes. The
 * kernels bind only the inputs their shader reads (WebGPU's automatic layout drops unused bindings).
 */

/** The [P, R, Q, T] view of a norm's input (see the module docs). */
export type NormView = [number, number, number, number];

/** The parts of tfjs-backend-webgpu's program interface these kernels fill in. */
export interface Program {
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

export type Uniform = { type: 'int32' | 'float32'; data: number[] };

export const VIEW_UNIFORMS = 'P : i32, R : i32, Q : i32, T : i32, ';

export function viewUniforms(view: NormView): Uniform[] {
  return view.map((d) => ({ type: 'int32', data: [d] }) as Uniform);
}

export const size = (shape: number[]) => shape.reduce((n, d) => n * d, 1);

/**
 * How a reduction program spreads its groups (statistics or parameters) of `n` values each: one
 * workgroup of `lanes` invocations per group, each lane summing a strided slice, then a tree over the
 * lanes; or, for groups of at most 64 values, one invocation per group summing them in order (no
 * barriers, and no idle lanes for LayerNorm2d's 64 channels or LayerNorm's 32 samples).
 */
export type Spread = { lanes: number } | 'serial';

export function spreadFor(n: number): Spread {
  return n <= 64 ? 'serial' : { lanes: n >= 2048 ? 256 : 128 };
}

/**
 * WGSL: where the k-th value of a statistic lies (`viewBase` + `viewOffset`), and which statistic a
 * flat index belongs to. With T = 1 (BatchNorm, InstanceNorm, LayerNorm) the offsets need no division.
 */
export function viewFunctions(t1: boolean): string {
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

/**
 * The affine step of the elementwise kernels: the names of the parameters given (bound in this order
 * after the kernel's other inputs) and the WGSL that writes `result[index]` = y·weight[p] + bias[p].
 */
export function affineStep(
  weight: TensorInfo | undefined,
  bias: TensorInfo | undefined,
  p: string,
): { names: string[]; inputs: TensorInfo[]; wgsl: string } {
  return {
    names: [...(weight ? ['weight'] : []), ...(bias ? ['bias'] : [])],
    inputs: [weight, bias].filter((t): t is TensorInfo => t !== undefined),
    wgsl: `${weight ? `y = y * weight[${p}];` : ''}
      ${bias ? `y = y + bias[${p}];` : ''}
      result[index] = y;`,
  };
}

/** WGSL: x̂ of value v of statistic s, from stats (shift, residual, variance). */
export const XHAT_FUNCTION = `
  fn xhatOf(v : f32, s : i32) -> f32 {
    return (v - stats[3 * s] - stats[3 * s + 1]) * inverseSqrt(stats[3 * s + 2] + uniforms.eps);
  }
`;

/** WGSL: `reduceLanes(lane, a, b)` returns the two sums over the group's lanes, to every lane. */
export function reduceFunctions(spread: Spread): string {
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
export function reductionProgram(
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
export function flatProgram(
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

export function attrsOf(attrs: unknown): { view: NormView; eps: number } {
  const { view, eps } = attrs as { view: number[]; eps?: number };
  if (!Array.isArray(view) || view.length !== 4)
    throw new Error('convkit norm kernels: view must be [P, R, Q, T]');
  return { view: view as NormView, eps: eps ?? 0 };
}

export const runProgram = (backend: unknown, program: Program, inputs: TensorInfo[], uniforms: Uniform[]) =>
  (backend as WebGpuBackendLike).runWebGPUProgram(program, inputs, 'float32', uniforms);
