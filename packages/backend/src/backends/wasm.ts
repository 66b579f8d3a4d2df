import { engine, env, findBackendFactory, registerBackend, removeBackend } from '@tensorflow/tfjs-core';
import type { Backend, BackendInitOptions, WasmCapabilities } from '../backend';
import { wasmKernels } from '../kernels';
import { errorMessage, isNode, loadPackage } from './load';
import { nodeImport, nodeThreadedFactory, type TfjsWasm, withHardwareConcurrency } from './wasm-threads';

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

/** tfjs-backend-wasm builds its XNNPACK thread pool with 8 workers and never uses more threads. */
export const MAX_WASM_THREADS = 8;
const WASM_PRIORITY = 2;

/** Whether tfjs already created the wasm backend (tfjs's `findBackend` would create it). */
const created = (): boolean =>
  (engine() as unknown as { registry: Record<string, unknown> }).registry.wasm !== undefined;

/** Why threads are off (set by `configure`, read by `capabilities`); undefined when they may be on. */
let threadsOffReason: string | undefined;

function checkThreads(n: number | undefined): number | undefined {
  if (n === undefined) return undefined;
  if (!Number.isInteger(n) || n < 1 || n > MAX_WASM_THREADS) {
    throw new Error(
      `convkit: wasmThreads must be an integer from 1 to ${MAX_WASM_THREADS} (tfjs-backend-wasm's thread pool ` +
        `has ${MAX_WASM_THREADS} workers), got ${n}`,
    );
  }
  return n;
}

/** Cores this Node process may use (`os.availableParallelism()`), at most MAX_WASM_THREADS. */
async function nodeCores(): Promise<number> {
  const os = await nodeImport<typeof import('node:os')>('os');
  const n = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, Math.min(MAX_WASM_THREADS, n));
}

/**
 * Node: threads = `wasmThreads` or every core (at most 8) on tfjs's threaded binary, started by
 * `nodeThreadedFactory`; 1 thread keeps tfjs's single-threaded SIMD binary. If the threaded binary
 * cannot start, the single-threaded one runs and the report says why.
 */
async function configureNode(wasm: TfjsWasm, options: BackendInitOptions, asked: number | undefined) {
  const threads = asked ?? (await nodeCores());
  if (threads === 1) {
    threadsOffReason = asked === 1 ? 'wasmThreads: 1' : 'one core available (os.availableParallelism())';
    return;
  }
  if (created()) {
    threadsOffReason =
      "the wasm backend was created before initBackend (tf.setBackend('wasm') or tf.ready()): " +
      "tfjs's single-threaded binary is in use";
    return;
  }
  const single = findBackendFactory('wasm');
  const threaded = nodeThreadedFactory(wasm, threads, options.wasmPaths);
  removeBackend('wasm');
  registerBackend(
    'wasm',
    async () => {
      try {
        return await threaded();
      } catch (err) {
        if (single === undefined) throw err;
        threadsOffReason = `the threaded binary did not start (${errorMessage(err)})`;
        wasm.setThreadsCount(1);
        return single();
      }
    },
    WASM_PRIORITY,
  );
}

/**
 * Browsers: tfjs loads the threaded binary when the page is cross-origin isolated. tfjs then uses
 * half of `navigator.hardwareConcurrency` (at most 8); an explicit `wasmThreads` is honoured up to 8.
 */
async function configureBrowser(wasm: TfjsWasm, asked: number | undefined) {
  if (!(await env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'))) {
    threadsOffReason =
      'threads need SharedArrayBuffer: serve the page cross-origin isolated (COOP/COEP headers)';
    return;
  }
  if (asked === undefined) return;
  wasm.setThreadsCount(asked);
  const factory = findBackendFactory('wasm');
  if (factory === undefined || created()) return;
  removeBackend('wasm');
  registerBackend('wasm', withHardwareConcurrency(factory, asked), WASM_PRIORITY);
}

async function configure(options: BackendInitOptions): Promise<void> {
  const asked = checkThreads(options.wasmThreads);
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
  threadsOffReason = undefined;
  if (isNode()) await configureNode(wasm as unknown as TfjsWasm, options, asked);
  else await configureBrowser(wasm as unknown as TfjsWasm, asked);
}

/**
 * XNNPACK compiled to WebAssembly, with SIMD, on several threads: in Node on every core (at most 8)
 * by default, in browsers when the page is cross-origin isolated. `wasmThreads` sets the count.
 */
export const wasmBackend: Backend = {
  specificationVersion: 1,
  name: 'wasm',
  priority: WASM_PRIORITY,
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
    const wasm = await load();
    const simd = Boolean(await env().getAsync('WASM_HAS_SIMD_SUPPORT'));
    const threadsCount = Math.max(1, wasm.getThreadsCount());
    const caps: WasmCapabilities = { simd, threads: threadsCount > 1, threadsCount };
    if (threadsCount === 1) {
      caps.reason = threadsOffReason ?? 'tfjs chose one thread (half of navigator.hardwareConcurrency)';
    }
    return { wasm: caps };
  },
};
