import type { KernelBackend } from '@tensorflow/tfjs-core';

/**
 * WASM threads where tfjs leaves them off.
 *
 * tfjs-backend-wasm 4.22 ships `tfjs-backend-wasm-threaded-simd.wasm` (XNNPACK on a pthreadpool) but
 * never loads it in Node: its `WASM_HAS_MULTITHREAD_SUPPORT` flag is false there (tensorflow/tfjs#3830),
 * because its pthread worker is a Blob URL and Node's `worker_threads` only starts files and `data:`
 * URLs. The emscripten glue itself supports `worker_threads`. So in Node we start the threaded binary
 * ourselves, with the same glue files tfjs ships (`wasm-out/`):
 * - each pthread worker is a `data:` URL module that evaluates tfjs's worker script
 *   (`wasmWorkerContents`) with a `require` of its own, and loads the glue from its file path;
 * - `emscripten_num_logical_cores` answers 2 × the asked thread count, because tfjs caps the pool at
 *   half the logical cores (it assumes two hyperthreads per core: one thread on a 2-vCPU machine);
 * - the module is wrapped in tfjs's own `BackendWasm`, so every tfjs and convkit wasm kernel runs
 *   unchanged, and XNNPACK spreads each operator over the threads.
 * tfjs builds the pool with 8 workers and caps XNNPACK at 8 threads (`max_num_threads` in its
 * backend.cc), so one process uses at most 8 cores.
 *
 * In browsers tfjs loads the threaded binary itself when the page is cross-origin isolated; there
 * `withHardwareConcurrency` lifts the same halving for an explicit thread count.
 */

/** The tfjs-backend-wasm exports this file uses. */
export interface TfjsWasm {
  BackendWasm: new (module: unknown) => KernelBackend;
  setThreadsCount(n: number): void;
  getThreadsCount(): number;
}

interface EmscriptenModule {
  cwrap(name: string, ret: string | null, args: string[]): (...a: number[]) => number;
  PThread: { runningWorkers: { unref(): void }[] };
  tfjs?: unknown;
}

type Factory = (config: Record<string, unknown>) => Promise<EmscriptenModule>;

const GLUE = 'wasm-out/tfjs-backend-wasm-threaded-simd.js';
const WORKER = 'wasm-out/tfjs-backend-wasm-threaded-simd.worker.js';
const BINARY = 'tfjs-backend-wasm-threaded-simd.wasm';

// Node builtins through a variable specifier, so that browser bundlers leave them alone; this file
// only runs them in Node.
export const nodeImport = <T>(name: string): Promise<T> => import(/* @vite-ignore */ `node:${name}`);

/** Where tfjs-backend-wasm's files are: resolved from this module, then from the working directory. */
async function packageDir(): Promise<string> {
  const { createRequire } = await nodeImport<typeof import('node:module')>('module');
  const { dirname, join } = await nodeImport<typeof import('node:path')>('path');
  const bases: string[] = [];
  // A file: URL when this runs from a file (tsup shims it in the CJS build).
  const here: unknown = import.meta.url;
  if (typeof here === 'string' && here.startsWith('file:')) bases.push(here);
  bases.push(join(process.cwd(), 'index.js'));
  for (const base of bases) {
    try {
      return dirname(createRequire(base).resolve('@tensorflow/tfjs-backend-wasm/package.json'));
    } catch {
      // try the next base
    }
  }
  throw new Error(
    `cannot find @tensorflow/tfjs-backend-wasm/${GLUE} from ${bases.join(' or ')} (its threaded glue is ` +
      'loaded from the installed package, also when the app is bundled)',
  );
}

/** The threaded binary's path: from `wasmPaths` (a directory or a file map) when given. */
async function binaryPath(
  dir: string,
  wasmPaths: string | Record<string, string> | undefined,
): Promise<string> {
  const { join } = await nodeImport<typeof import('node:path')>('path');
  const { fileURLToPath } = await nodeImport<typeof import('node:url')>('url');
  const local = (p: string) => (p.startsWith('file:') ? fileURLToPath(p) : p);
  if (typeof wasmPaths === 'string') return join(local(wasmPaths), BINARY);
  if (wasmPaths?.[BINARY] !== undefined) return local(wasmPaths[BINARY]);
  return join(dir, 'dist', BINARY);
}

/**
 * The source of one pthread worker: tfjs's worker script, run as CommonJS with `require` and
 * `__filename` of its own file. Its template literal holds `\n` escapes that became newlines; they
 * are put back, as tfjs does before it makes its Blob.
 */
function workerSource(workerFile: string): string {
  const path = JSON.stringify(workerFile);
  return [
    "import { createRequire } from 'node:module';",
    `const require = createRequire(${path});`,
    `const { wasmWorkerContents } = require(${path});`,
    "const source = wasmWorkerContents.split('\\n').join('\\\\n');",
    `new Function('require', '__filename', source)(require, ${path});`,
  ].join('\n');
}

/**
 * A tfjs backend factory for `registerBackend('wasm', …)` that runs XNNPACK on `threads` threads in
 * Node (2 ≤ threads ≤ 8). Rejects when the threaded glue cannot be found or started.
 */
export function nodeThreadedFactory(
  tfjsWasm: TfjsWasm,
  threads: number,
  wasmPaths?: string | Record<string, string>,
): () => Promise<KernelBackend> {
  return async () => {
    const { createRequire } = await nodeImport<typeof import('node:module')>('module');
    const { readFile } = await nodeImport<typeof import('node:fs/promises')>('fs/promises');
    const { join } = await nodeImport<typeof import('node:path')>('path');
    const dir = await packageDir();
    const glue = join(dir, GLUE);
    const factory = createRequire(glue)(glue) as Factory;
    const bytes = await readFile(await binaryPath(dir, wasmPaths));
    const workerUrl = new URL(`data:text/javascript,${encodeURIComponent(workerSource(join(dir, WORKER)))}`);
    // The glue sets globalThis.Worker to worker_threads' Worker to start its pool: put back what was there.
    const g = globalThis as { Worker?: unknown };
    const hadWorker = Object.hasOwn(g, 'Worker');
    const previousWorker = g.Worker;
    let module: EmscriptenModule;
    try {
      module = await factory({
        locateFile: (file: string) => (file.endsWith('.worker.js') ? workerUrl : file),
        mainScriptUrlOrBlob: glue,
        instantiateWasm(
          imports: { env: Record<string, unknown> },
          receive: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void,
        ) {
          imports.env.emscripten_num_logical_cores = () => 2 * threads;
          WebAssembly.instantiate(bytes, imports as WebAssembly.Imports).then(
            (r) => receive(r.instance, r.module),
            (err) => console.error(`convkit: the threaded wasm binary did not instantiate: ${err}`),
          );
          return {};
        },
      });
    } finally {
      if (hadWorker) g.Worker = previousWorker;
      else delete g.Worker;
    }
    // The same bindings tfjs's own init() adds.
    module.tfjs = {
      init: module.cwrap('init', null, []),
      initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
      getThreadsCount: module.cwrap('get_threads_count', 'number', []),
      registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
      disposeData: module.cwrap('dispose_data', null, ['number']),
      dispose: module.cwrap('dispose', null, []),
    };
    tfjsWasm.setThreadsCount(threads);
    const backend = new tfjsWasm.BackendWasm(module);
    // XNNPACK's threads now wait for work; they must not keep the process alive.
    for (const worker of module.PThread.runningWorkers) worker.unref();
    return backend;
  };
}

/**
 * Wraps a tfjs backend factory so that, while it runs, `navigator.hardwareConcurrency` reads at least
 * 2 × `threads`: tfjs's threaded binary takes half of it as its core count and never uses more threads.
 */
export function withHardwareConcurrency(
  factory: () => KernelBackend | Promise<KernelBackend>,
  threads: number,
): () => Promise<KernelBackend> {
  return async () => {
    const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
    const reported = nav?.hardwareConcurrency ?? 1;
    if (nav === undefined || reported >= 2 * threads) return factory();
    Object.defineProperty(nav, 'hardwareConcurrency', { value: 2 * threads, configurable: true });
    try {
      return await factory();
    } finally {
      delete (nav as { hardwareConcurrency?: number }).hardwareConcurrency;
    }
  };
}
