import { type Backend, BackendRegistry } from '../backend';
import { cpuBackend } from './cpu';
import { wasmBackend } from './wasm';
import { webgpuBackend } from './webgpu';

export { cpuBackend } from './cpu';
export { MissingPackageError } from './load';
export { wasmBackend } from './wasm';
export { webgpuBackend } from './webgpu';

/** The built-in backends, highest priority first: webgpu, wasm, cpu. */
export const builtinBackends: readonly Backend[] = [webgpuBackend, wasmBackend, cpuBackend];

/**
 * The registry `initBackend` uses unless given another. Holds the built-in backends; add your own
 * with `backends.register(record)`. Each record imports its tfjs package only when probed.
 */
export const backends: BackendRegistry = new BackendRegistry(builtinBackends);
