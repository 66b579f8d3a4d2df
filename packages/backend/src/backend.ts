import type { KernelConfig } from '@tensorflow/tfjs-core';

/** Whether a backend can run here, and if not, why. */
export interface Availability {
  available: boolean;
  reason?: string;
}

/** Options passed to a backend's `init`. Each backend reads the ones it knows. */
export interface BackendInitOptions {
  /** WASM only: where the `.wasm` binaries are served from (browsers with bundlers). Default: next to the JS. */
  wasmPaths?: string | Record<string, string>;
  /** WASM only: number of threads when threads are supported (browsers with cross-origin isolation). */
  wasmThreads?: number;
  /**
   * WebGPU only: accept a software adapter (Mesa's lavapipe/llvmpipe, SwiftShader), which emulates the
   * GPU on the CPU and is slower than WASM. Default `false` when webgpu is picked from a preference
   * list, `true` when it is asked for by name (`backend: 'webgpu'`).
   */
  allowSoftwareGpu?: boolean;
}

/** What a backend found out about the machine, copied into the `BackendReport`. */
export interface BackendCapabilities {
  wasm?: WasmCapabilities;
  webgpu?: WebGpuCapabilities;
}

export interface WasmCapabilities {
  simd: boolean;
  threads: boolean;
  /** Why threads are off, when they are. */
  reason?: string;
}

export interface WebGpuCapabilities {
  vendor: string;
  architecture: string;
  description: string;
  device: string;
  /** True for a software adapter (lavapipe/llvmpipe, SwiftShader): correct, but not fast. */
  software: boolean;
}

/**
 * A backend: a small versioned record that convkit can probe, initialize and extend with kernels.
 *
 * `name` is the tfjs backend name: after `init` resolves, `tf.setBackend(name)` must succeed
 * (a custom backend calls `registerBackend(name, factory)` from tfjs-core inside `init`).
 * `priority` orders the default preference (higher first). `kernels` are convkit's extra
 * kernels for this backend; they replace a kernel tfjs already has under the same name.
 *
 * @example
 * const myBackend: Backend = {
 *   specificationVersion: 1, name: 'mine', priority: 0, kernels: [],
 *   isAvailable: async () => ({ available: true }),
 *   init: async () => { registerBackend('mine', () => new MyKernelBackend()); },
 * };
 * backends.register(myBackend);
 * await initBackend({ backend: 'mine' });
 */
export interface Backend {
  readonly specificationVersion: 1;
  readonly name: string;
  readonly priority: number;
  isAvailable(): Promise<Availability>;
  init(options: BackendInitOptions): Promise<void>;
  readonly kernels: readonly KernelConfig[];
  /**
   * Optional: why this backend will not run with `options` although it is available — webgpu on a
   * software adapter without `allowSoftwareGpu` — or `undefined`. `initBackend` asks every time it
   * picks the backend: before its first `init` and before each later re-selection.
   */
  refusal?(options: BackendInitOptions): Promise<string | undefined>;
  /** Optional: machine details for the report, called after the backend is active. */
  capabilities?(): Promise<BackendCapabilities>;
}

/**
 * An explicit registry of backends keyed by name. Throws on duplicate names and on unknown
 * names (listing the known ones). Creating one registers nothing with tfjs.
 *
 * @example
 * const registry = createBackendRegistry([cpuBackend]);
 * registry.register(myBackend);
 * registry.get('cpu');
 */
export class BackendRegistry {
  private readonly entries = new Map<string, Backend>();

  constructor(initial: Iterable<Backend> = []) {
    for (const b of initial) this.register(b);
  }

  register(backend: Backend): this {
    if (backend.specificationVersion !== 1) {
      throw new Error(
        `convkit: backend "${backend.name}" has specificationVersion ${String(backend.specificationVersion)}; ` +
          'this version of @convkit/backend understands 1',
      );
    }
    if (this.entries.has(backend.name)) {
      throw new Error(`convkit: a backend named "${backend.name}" is already registered`);
    }
    this.entries.set(backend.name, backend);
    return this;
  }

  unregister(name: string): void {
    this.get(name);
    this.entries.delete(name);
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  get(name: string): Backend {
    const b = this.entries.get(name);
    if (b === undefined) {
      throw new Error(
        `convkit: unknown backend "${name}"; known backends: ${this.names().join(', ') || '(none)'}`,
      );
    }
    return b;
  }

  /** Names, highest priority first. */
  names(): string[] {
    return this.list().map((b) => b.name);
  }

  /** Backends, highest priority first. */
  list(): Backend[] {
    return [...this.entries.values()].sort((a, b) => b.priority - a.priority);
  }
}

export function createBackendRegistry(initial: Iterable<Backend> = []): BackendRegistry {
  return new BackendRegistry(initial);
}
