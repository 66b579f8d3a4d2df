import type { DataId, TensorInfo } from '@tensorflow/tfjs-core';

/**
 * The parts of tfjs's `BackendWasm` that convkit's JavaScript wasm kernels use (`MaxPoolGrad.ts`,
 * `UnsortedSegmentSum.ts`): they read and write the wasm heap directly.
 * Take typed-array views after `makeOutput`: allocating may grow (and detach) the heap.
 */
export interface WasmHeapBackend {
  readSync(dataId: DataId): ArrayLike<number>;
  makeOutput(shape: number[], dtype: TensorInfo['dtype']): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array | Int32Array | Uint8Array;
}
