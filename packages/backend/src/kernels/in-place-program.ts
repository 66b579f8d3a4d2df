import { env, type TensorInfo } from '@tensorflow/tfjs-core';
import { noteInPlaceLaunch } from '../launches';

/**
 * Elementwise WebGPU programs that write several tensors in place, in one launch: what an optimizer
 * step needs (a parameter and its moments) and what a tfjs program cannot do (one output, inputs
 * bound read-only). The program is recorded into tfjs-backend-webgpu's own command stream — its
 * device, command encoder and compute pass, its uniform buffers and its deferred submission — so it
 * runs in order with tfjs's programs and is freed with them. `countLaunches` counts it.
 *
 * The caller must own every tensor it writes: `runInPlace` throws when a written tensor shares its
 * data with another tensor (tfjs shares data between a tensor and its clones, reshapes and the
 * variables made from it), since writing it would change the others. `ownData` in
 * `@convkit/trainer`'s ops makes a private copy first.
 *
 * This reaches into tfjs-backend-webgpu 4.22's backend object (`tensorMap`, `uploadToGPU`,
 * `makeUniforms`, `commandEncoder`, `computePassEncoder`, `dispatchCountInPass`, `submitQueue`, …);
 * `inPlaceSupport` says whether they are there, and the kernels refuse to run otherwise.
 */
export interface InPlaceProgram {
  /** Identifies the WGSL text (everything baked into `body`, the bindings and the uniforms). */
  key: string;
  /** The tensors the shader reads (`write: false`) or reads and writes, as `array<f32>` named `name`. */
  bindings: { name: string; tensor: TensorInfo; write: boolean }[];
  /** Scalars the shader reads as `u.<name>`. */
  uniforms: { name: string; type: 'f32' | 'u32'; value: number }[];
  /** WGSL statements run for each element `i` (a `u32`) of the tensors, all of one size. */
  body: string;
}

/** The members of tfjs-backend-webgpu's backend (4.22) this file uses. */
interface WebGpuInternals {
  device: GPUDevice;
  tensorMap: { get(dataId: object): { resource?: unknown; values?: unknown } | undefined };
  commandQueueOwnedIds: WeakSet<object>;
  commandEncoder: GPUCommandEncoder | null;
  computePassEncoder: GPUComputePassEncoder | null;
  dispatchCountInPass: number;
  refCount(dataId: object): number;
  uploadToGPU(dataId: object): void;
  makeUniforms(uniforms: { type: string; data: number[] }[]): GPUBufferBinding;
  ensureCommandEncoderReady(): void;
  endComputePassEncoder(): void;
  submitQueue(): void;
}

const WORKGROUP = 64;
const MAX_GROUPS = 65535; // WebGPU's default maxComputeWorkgroupsPerDimension

/** Whether `backend` has the tfjs-backend-webgpu internals `runInPlace` records into. */
export function inPlaceSupport(backend: unknown): boolean {
  const b = backend as Partial<Record<keyof WebGpuInternals, unknown>> | null;
  return (
    b != null &&
    typeof (b.device as GPUDevice | undefined)?.createComputePipeline === 'function' &&
    typeof (b.tensorMap as { get?: unknown } | undefined)?.get === 'function' &&
    b.commandQueueOwnedIds instanceof WeakSet &&
    typeof b.dispatchCountInPass === 'number' &&
    [
      'refCount',
      'uploadToGPU',
      'makeUniforms',
      'ensureCommandEncoderReady',
      'endComputePassEncoder',
      'submitQueue',
    ].every((m) => typeof b[m as keyof WebGpuInternals] === 'function')
  );
}

const pipelines = new WeakMap<GPUDevice, Map<string, GPUComputePipeline>>();

function shaderOf(program: InPlaceProgram): string {
  const fields = ['size : u32', 'groupsX : u32', ...program.uniforms.map((u) => `${u.name} : ${u.type}`)];
  const storage = program.bindings.map(
    (b, i) =>
      `@group(0) @binding(${i}) var<storage, ${b.write ? 'read_write' : 'read'}> ${b.name} : array<f32>;`,
  );
  return `
struct Uniforms { ${fields.join(', ')} };
${storage.join('\n')}
@group(0) @binding(${program.bindings.length}) var<uniform> u : Uniforms;

@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(workgroup_id) wid : vec3<u32>, @builtin(local_invocation_index) lid : u32) {
  let i = (wid.y * u.groupsX + wid.x) * ${WORKGROUP}u + lid;
  if (i >= u.size) {
    return;
  }
  ${program.body}
}
`;
}

function pipelineFor(device: GPUDevice, program: InPlaceProgram): GPUComputePipeline {
  let cache = pipelines.get(device);
  if (cache === undefined) {
    cache = new Map();
    pipelines.set(device, cache);
  }
  let pipeline = cache.get(program.key);
  if (pipeline === undefined) {
    const module = device.createShaderModule({ code: shaderOf(program), label: program.key });
    pipeline = device.createComputePipeline({
      layout: 'auto',
      compute: { module, entryPoint: 'main' },
      label: program.key,
    });
    cache.set(program.key, pipeline);
  }
  return pipeline;
}

/**
 * Records `program` over every element of its (equally sized, float32) tensors into the webgpu
 * backend's command stream: one launch. Throws when the backend lacks the internals, a written
 * tensor shares its data, or two bindings are the same data.
 *
 * @example
 * runInPlace(backend, {
 *   key: 'scaleInPlace',
 *   bindings: [{ name: 'x', tensor: x, write: true }],
 *   uniforms: [{ name: 'factor', type: 'f32', value: 0.5 }],
 *   body: 'x[i] = x[i] * u.factor;',
 * });
 */
export function runInPlace(backend: unknown, program: InPlaceProgram): void {
  if (!inPlaceSupport(backend)) {
    throw new Error(
      `convkit ${program.key}: the webgpu backend lacks the internals of tfjs-backend-webgpu 4.22 that in-place programs use`,
    );
  }
  const gpu = backend as WebGpuInternals;
  const size = program.bindings[0].tensor.shape.reduce((n, d) => n * d, 1);
  const ids = new Set<object>();
  for (const b of program.bindings) {
    const n = b.tensor.shape.reduce((k, d) => k * d, 1);
    if (n !== size || b.tensor.dtype !== 'float32') {
      throw new Error(
        `convkit ${program.key}: '${b.name}' must be float32 with ${size} elements, got ${b.tensor.dtype} [${b.tensor.shape}]`,
      );
    }
    if (ids.has(b.tensor.dataId))
      throw new Error(`convkit ${program.key}: '${b.name}' is bound twice (the same data)`);
    ids.add(b.tensor.dataId);
    if (b.write && gpu.refCount(b.tensor.dataId) !== 1) {
      throw new Error(
        `convkit ${program.key}: '${b.name}' shares its data with another tensor; writing it in place would change that one too (copy it first)`,
      );
    }
  }
  if (size === 0) return;
  for (const b of program.bindings) gpu.uploadToGPU(b.tensor.dataId);
  const pipeline = pipelineFor(gpu.device, program);
  const groups = Math.ceil(size / WORKGROUP);
  const groupsX = Math.min(groups, MAX_GROUPS);
  const groupsY = Math.ceil(groups / groupsX);
  const uniforms = gpu.makeUniforms([
    { type: 'uint32', data: [size] },
    { type: 'uint32', data: [groupsX] },
    ...program.uniforms.map((u) => ({ type: u.type === 'f32' ? 'float32' : 'uint32', data: [u.value] })),
  ]);
  const entries: GPUBindGroupEntry[] = program.bindings.map((b, i) => ({
    binding: i,
    resource: { buffer: gpu.tensorMap.get(b.tensor.dataId)?.resource as GPUBuffer },
  }));
  entries.push({ binding: program.bindings.length, resource: uniforms });
  const bindGroup = gpu.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });
  // Keep the buffers alive until the commands that use them are submitted, as tfjs does for its own.
  for (const b of program.bindings) gpu.commandQueueOwnedIds.add(b.tensor.dataId);
  gpu.ensureCommandEncoderReady();
  if (gpu.computePassEncoder === null) {
    gpu.computePassEncoder = (gpu.commandEncoder as GPUCommandEncoder).beginComputePass({});
  }
  gpu.computePassEncoder.setPipeline(pipeline);
  gpu.computePassEncoder.setBindGroup(0, bindGroup);
  gpu.computePassEncoder.dispatchWorkgroups(groupsX, groupsY, 1);
  gpu.dispatchCountInPass++;
  if (env().getNumber('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE') <= gpu.dispatchCountInPass) {
    gpu.endComputePassEncoder();
    gpu.submitQueue();
  }
  // A value read back earlier is cached on the CPU: drop it, the GPU buffer is now newer.
  for (const b of program.bindings) {
    const data = gpu.tensorMap.get(b.tensor.dataId);
    if (b.write && data !== undefined) data.values = null;
  }
  noteInPlaceLaunch();
}
