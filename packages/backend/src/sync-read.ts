import { engine, type Tensor } from '@tensorflow/tfjs-core';

/** The part of tfjs-webgpu's backend this file reads: a tensor's values cached on the CPU, if any. */
interface WebGpuTensorMap {
  tensorMap?: { get(dataId: object): { values?: unknown } | undefined };
}

/**
 * Whether the active backend reads a tensor that lives on its device synchronously (`dataSync`), and
 * cheaply. cpu, wasm and webgl do; webgpu does not: in Node only `await t.data()` reads GPU memory, and
 * in a browser its synchronous read goes through a canvas, slowly (tfjs warns about it).
 *
 * @example
 * const values = readsSync() ? t.dataSync() : await t.data();
 */
export function readsSync(): boolean {
  return engine().backendName !== 'webgpu';
}

/**
 * Whether `t.dataSync()` works here, cheaply: the backend reads synchronously ({@link readsSync}), or
 * `t`'s values are still cached on the CPU (webgpu keeps the values of a tensor made from JavaScript data,
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
