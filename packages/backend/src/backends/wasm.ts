import { env } from '@tensorflow/tfjs-core';
import type { Backend, BackendInitOptions } from '../backend';
import { wasmKernels } from '../kernels';
import { errorMessage, isNode, loadPackage } from './load';

const packageName = '@tensorflow/tfjs-backend-wasm';
const load = () => loadPackage('wasm', packageName, () => import('@tensorflow/tfjs-backend-wasm'));

async function configure(options: BackendInitOptions): Promise<void> {
  const wasm = await load();
  if (options.wasmPaths !== undefined) wasm.setWasmPaths(options.wasmPaths);
  if (options.wasmThreads !== undefined) wasm.setThreadsCount(options.wasmThreads);
}

/** XNNPACK compiled to WebAssembly, with SIMD, and threads where the platform allows them. */
export const wasmBackend: Backend = {
  specificationVersion: 1,
  name: 'wasm',
  priority: 2,
  kernels: wasmKernels,
  async isAvailable() {
    if (typeof WebAssembly !== 'object') {
      return { available: false, reason: 'WebAssembly is not supported by this JavaScript runtime' };
    }
    try {
      await load();
      return { available: true };
    } catch (err) {
      return { available: false, reason: errorMessage(err) };
    }
  },
  async init(options) {
    await configure(options);
  },
  async capabilities() {
    const simd = Boolean(await env().getAsync('WASM_HAS_SIMD_SUPPORT'));
    const threads = Boolean(await env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'));
    let reason: string | undefined;
    if (!threads) {
      reason = isNode()
        ? 'tfjs turns WASM threads off in Node (tensorflow/tfjs#3830)'
        : 'threads need SharedArrayBuffer: serve the page cross-origin isolated (COOP/COEP headers)';
    }
    return { wasm: { simd, threads, ...(reason === undefined ? {} : { reason }) } };
  },
};
