import { engine, type Tensor } from '@tensorflow/tfjs-core';

/** The part of tfjs-webgpu's backend this file reads: a tensor's values cached on the CPU, if any. */
interface WebGpuTensorMap {
  tensorMap?: { get(dataId: object): { values?: unknown } | undefined };
}

/**
 * Whether the active backend can read a tensor that lives on its device synchronously (`dataSync`).
 * cpu, wasm and webgl can; webgpu can in a browser (through an `OffscreenCanvas`) but not in Node,
 * where only `await t.data()` reads GPU memory.
 *
 * @example
 * const values = readsSync() ? t.dataSync() : await t.data();
 */
export function readsSync(): boolean {
  return engine().backendName !== 'webgpu' || typeof globalThis.OffscreenCanvas !== 'undefined';
}

/**
 * Whether `t.dataSync()` works here: the backend reads synchronously ({@link readsSync}), or `t`'s
 * values are still cached on the CPU (webgpu keeps the values of a tensor made from JavaScript data,
 * such as labels from `tensor1d([...])`, next to its GPU copy).
 *
 * @example
 * if (canReadSync(labels)) checkIds(labels.dataSync());
 */
export function canReadSync(t: Tensor): boolean {
  if (readsSync()) return true;
  const backend = engine().backend as unknown as WebGpuTensorMap;
  return backend.tensorMap?.get(t.dataId)?.values != null;
}
