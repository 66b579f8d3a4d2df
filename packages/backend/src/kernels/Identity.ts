import { Identity, type KernelConfig, type TensorInfo } from '@tensorflow/tfjs-core';

/** `BackendWasm`'s reference count on a tensor's data (what its Reshape uses to share data). */
interface RefCountingBackend {
  incRef(dataId: TensorInfo['dataId']): void;
}

/**
 * `Identity` for wasm that shares the input's data (a reference count, as tfjs's Reshape and the cpu
 * backend's Identity do) instead of copying it. tfjs-core's gradient tape saves every tensor a
 * gradient needs as `clone(t)`, which runs Identity: tfjs-backend-wasm 4.22 copies there, so every
 * saved activation and every conv filter existed twice during the forward pass (bench/RESULTS.md has
 * the heap before and after). tfjs kernels never write into their inputs, so sharing is safe.
 *
 * Input: x (any dtype). Output: the same data, shape and dtype, under a new tensor.
 *
 * @example
 * registerKernel(identityKernel('wasm'));
 */
export function identityKernel(backendName: 'wasm'): KernelConfig {
  return {
    kernelName: Identity,
    backendName,
    kernelFunc: ({ inputs, backend }) => {
      const { x } = inputs as { x: TensorInfo };
      (backend as unknown as RefCountingBackend).incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    },
  };
}
