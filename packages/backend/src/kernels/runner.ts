import {
  type Attribute,
  engine,
  getKernel,
  type KernelBackend,
  type NamedAttrMap,
  type NamedTensorInfoMap,
  type NamedTensorMap,
  type Tensor,
  type TensorInfo,
} from '@tensorflow/tfjs-core';

/**
 * Runs kernels by name. Composite kernels and gradients are written once against this interface and
 * run either inside a backend's kernel (`backendRunner`: the backend's own kernel functions, results
 * freed by hand) or through the engine (`engineRunner`: ordinary tensors, recorded like any op).
 */
export interface KernelRunner {
  run(
    kernelName: string,
    inputs: NamedTensorInfoMap,
    attrs?: Record<string, Attribute | undefined>,
  ): TensorInfo;
  /** Frees an intermediate produced by `run` (never an input the caller does not own). */
  dispose(t: TensorInfo): void;
}

/**
 * A runner that calls `backendName`'s registered kernel functions directly on `backend`, for use
 * inside a kernel function (tfjs kernels may not call ops).
 *
 * @example
 * const r = backendRunner(args.backend, 'wasm');
 * const t = r.run('Transpose', { x }, { perm: [3, 1, 2, 0] });
 * r.dispose(t);
 */
export function backendRunner(backend: KernelBackend, backendName: string): KernelRunner {
  return {
    run(kernelName, inputs, attrs = {}) {
      const config = getKernel(kernelName, backendName);
      if (config === undefined) {
        throw new Error(`convkit: kernel ${kernelName} is not registered for backend "${backendName}"`);
      }
      const out = config.kernelFunc({ inputs, backend, attrs: attrs as NamedAttrMap });
      return Array.isArray(out) ? (out[0] as TensorInfo) : out;
    },
    dispose: (t) => {
      backend.disposeData(t.dataId);
    },
  };
}

/** A runner over `engine().runKernel`: inputs must be `Tensor`s and results are `Tensor`s. */
export const engineRunner: KernelRunner = {
  run: (kernelName, inputs, attrs = {}) =>
    engine().runKernel<Tensor>(kernelName, inputs as NamedTensorMap, attrs as NamedAttrMap),
  dispose: (t) => (t as Tensor).dispose(),
};
