import { env } from '@tensorflow/tfjs-core';
import type { Backend, BackendInitOptions } from '../backend';
import { wasmKernels } from '../kernels';
import { errorMessage, isNode, loadPackage } from './load';

const packageName = '@tensorflow/tfjs-backend-wasm';
const load = () => loadPackage('wasm', packageName, () => import('@tensorflow/tfjs-backend-wasm'));

// The binary tfjs-backend-wasm 4.22 loads: the threaded SIMD one needs both, the SIMD one SIMD.
function binaryName(simd: boolean, threads: boolean): string {
  if (simd && threads) return 'tfjs-backend-wasm-threaded-simd.wasm';
  return simd ? 'tfjs-backend-wasm-simd.wasm' : 'tfjs-backend-wasm.wasm';
}

/**
 * In Node, checks that the .wasm binary tfjs will load from `wasmPaths` exists, before tfjs sees the
 * paths: once a start has failed inside tfjs-backend-wasm 4.22, it refuses `setWasmPaths` for the rest
 * of the process, so a bad path must not reach it (the retry with a good one would fail).
 */
async function checkWasmPaths(paths: string | Record<string, string>): Promise<void> {
  const fs = isNode()
    ? (process.getBuiltinModule?.('node:fs') as typeof import('node:fs') | undefined)
    : undefined;
  if (fs === undefined) return;
  const simd = Boolean(await env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  const threads = Boolean(await env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'));
  const name = binaryName(simd, threads);
  const file = typeof paths === 'string' ? `${paths}${name}` : paths[name];
  if (file === undefined) {
    throw new Error(`wasmPaths has no entry for ${name}, the binary tfjs-backend-wasm loads here`);
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(file) && !file.startsWith('file:')) return; // a URL: fetched, not read
  const local = file.startsWith('file:') ? new URL(file) : file;
  if (!fs.existsSync(local)) {
    throw new Error(
      `wasmPaths: ${file} does not exist (tfjs-backend-wasm loads ${name} here: SIMD ${simd ? 'on' : 'off'}, ` +
        `threads ${threads ? 'on' : 'off'}); a string is the folder prefix, ending in '/', e.g. ` +
        'node_modules/@tensorflow/tfjs-backend-wasm/dist/',
    );
  }
}

async function configure(options: BackendInitOptions): Promise<void> {
  const wasm = await load();
  if (options.wasmPaths !== undefined) {
    await checkWasmPaths(options.wasmPaths);
    try {
      wasm.setWasmPaths(options.wasmPaths);
    } catch (err) {
      throw new Error(
        `${errorMessage(err)} (an earlier start of the wasm backend failed inside tfjs-backend-wasm, which ` +
          'then keeps its old paths for the rest of the process: restart it, or reload the page, with working wasmPaths)',
      );
    }
  }
  if (options.wasmThreads !== undefined) wasm.setThreadsCount(options.wasmThreads);
}

/** XNNPACK compiled to WebAssembly, with SIMD, and threads where the platform allows them. */
export const wasmBackend: Backend = {
  specificationVersion: 1,
  name: 'wasm',
  priority: 2,
  kernels: wasmKernels,
  initOptions: ['wasmPaths', 'wasmThreads'],
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
