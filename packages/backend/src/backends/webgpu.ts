import { env, findBackendFactory } from '@tensorflow/tfjs-core';
import type { Availability, Backend, WebGpuCapabilities } from '../backend';
import { webgpuKernels } from '../kernels';
import { errorMessage, isNode, loadPackage } from './load';

// The few WebGPU shapes we touch, so that no GPU typings are needed to compile or consume this file.
interface GpuAdapterInfoLike {
  readonly vendor?: string;
  readonly architecture?: string;
  readonly description?: string;
  readonly device?: string;
  readonly isFallbackAdapter?: boolean;
}
interface GpuAdapterLike {
  readonly info?: GpuAdapterInfoLike;
  requestAdapterInfo?(): Promise<GpuAdapterInfoLike>;
}
export interface GpuLike {
  requestAdapter(options?: { powerPreference?: string }): Promise<GpuAdapterLike | null>;
}

const packageName = '@tensorflow/tfjs-backend-webgpu';

function currentGpu(): GpuLike | undefined {
  const nav = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator;
  return nav?.gpu ?? undefined;
}

/** Puts `gpu` on `globalThis.navigator`: Node 20 has no navigator, Node 21+ has a read-only one. */
export function installNavigatorGpu(gpu: GpuLike): void {
  const g = globalThis as { navigator?: object };
  const nav = g.navigator;
  if (nav !== undefined) {
    try {
      Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true, enumerable: true, writable: true });
      if ((nav as { gpu?: GpuLike }).gpu === gpu) return;
    } catch {
      // A non-extensible navigator: replace it with one that inherits from it.
    }
  }
  const replacement = Object.create(nav ?? null, {
    gpu: { value: gpu, configurable: true, enumerable: true, writable: true },
  });
  Object.defineProperty(globalThis, 'navigator', { value: replacement, configurable: true, writable: true });
}

let nodeGpu: Promise<GpuLike> | undefined;

/** In Node, loads Dawn (the `webgpu` npm package) and exposes it as `navigator.gpu`, once. */
async function ensureNavigatorGpu(): Promise<GpuLike> {
  const existing = currentGpu();
  if (existing !== undefined) return existing;
  if (!isNode()) {
    throw new Error('WebGPU is not available in this browser (navigator.gpu is undefined)');
  }
  nodeGpu ??= (async () => {
    const dawn = await loadPackage('webgpu', 'webgpu', () => import('webgpu'));
    Object.assign(globalThis, dawn.globals);
    const gpu = dawn.create([]) as unknown as GpuLike;
    installNavigatorGpu(gpu);
    return gpu;
  })();
  try {
    return await nodeGpu;
  } catch (err) {
    nodeGpu = undefined;
    throw err;
  }
}

// Same choice tfjs makes when it creates its device, so the report describes the adapter in use.
// The flag exists only once @tensorflow/tfjs-backend-webgpu is imported.
function powerPreference(): 'low-power' | 'high-performance' {
  try {
    return env().getBool('WEBGPU_USE_LOW_POWER_GPU') ? 'low-power' : 'high-performance';
  } catch {
    return 'high-performance';
  }
}

async function requestAdapter(): Promise<GpuAdapterLike> {
  const gpu = await ensureNavigatorGpu();
  const adapter = await gpu.requestAdapter({ powerPreference: powerPreference() });
  if (adapter === null || adapter === undefined) {
    throw new Error(
      'navigator.gpu.requestAdapter() returned null: no WebGPU adapter (no GPU driver, or blocked by the runtime)' +
        (isNode()
          ? '; on Linux without a GPU, install a Vulkan driver such as mesa-vulkan-drivers (lavapipe)'
          : ''),
    );
  }
  return adapter;
}

async function adapterInfo(adapter: GpuAdapterLike): Promise<WebGpuCapabilities> {
  const info = adapter.info ?? (await adapter.requestAdapterInfo?.()) ?? {};
  // GPUAdapterInfo fields are prototype getters: read each one, do not spread.
  return {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    description: info.description ?? '',
    device: info.device ?? '',
    software: await isSoftwareAdapter(adapter),
  };
}

/** Mesa's lavapipe/llvmpipe or SwiftShader: WebGPU emulated on the CPU. */
export async function isSoftwareAdapter(adapter: GpuAdapterLike): Promise<boolean> {
  const info = adapter.info ?? (await adapter.requestAdapterInfo?.()) ?? {};
  return (
    info.isFallbackAdapter === true ||
    info.architecture === 'software' ||
    /llvmpipe|lavapipe|swiftshader/i.test(`${info.description ?? ''} ${info.device ?? ''}`)
  );
}

async function probe(): Promise<Availability> {
  try {
    await requestAdapter();
    // tfjs registers its webgpu backend only if navigator.gpu exists when the package is first imported.
    await loadPackage('webgpu', packageName, () => import('@tensorflow/tfjs-backend-webgpu'));
    if (!findBackendFactory('webgpu')) {
      return {
        available: false,
        reason: `${packageName} was imported before navigator.gpu existed, so it did not register itself; import @convkit/backend's initBackend first`,
      };
    }
    return { available: true };
  } catch (err) {
    return { available: false, reason: errorMessage(err) };
  }
}

/**
 * WebGPU compute shaders: the fastest backend where a GPU is present. In Node it runs on Dawn
 * (the optional `webgpu` npm package), which needs a Vulkan/Metal/D3D12 driver.
 */
export const webgpuBackend: Backend = {
  specificationVersion: 1,
  name: 'webgpu',
  priority: 3,
  kernels: webgpuKernels,
  isAvailable: probe,
  async refusal(options) {
    if (options.allowSoftwareGpu) return undefined;
    const adapter = await requestAdapter();
    if (!(await isSoftwareAdapter(adapter))) return undefined;
    const info = await adapterInfo(adapter);
    return (
      `the only WebGPU adapter is a software rasterizer (${info.description || info.vendor}), slower than wasm; ` +
      `ask for it by name (backend: 'webgpu') or pass allowSoftwareGpu: true to use it`
    );
  },
  async init() {
    const availability = await probe();
    if (!availability.available) throw new Error(availability.reason);
  },
  async capabilities() {
    return { webgpu: await adapterInfo(await requestAdapter()) };
  },
};
