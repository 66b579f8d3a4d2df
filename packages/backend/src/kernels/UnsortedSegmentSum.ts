import {
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
  UnsortedSegmentSum,
  type UnsortedSegmentSumAttrs,
  util,
} from '@tensorflow/tfjs-core';
import type { WasmHeapBackend } from './wasm-heap';

/**
 * `UnsortedSegmentSum` for wasm (tfjs 4.22 has none; `gather`'s gradient needs it):
 * out[s, ...] = Σ_{i : ids[i] = s} x[i, ...]; ids outside [0, numSegments) are dropped.
 * One pass over x in JavaScript on the wasm heap: O(x.size), no numSegments × N one-hot product.
 *
 * Inputs: x [...ids.shape, ...inner], segmentIds (int32). Attrs: numSegments.
 * Output: [numSegments, ...inner], x's dtype.
 */
const unsortedSegmentSum: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, segmentIds } = inputs as { x: TensorInfo; segmentIds: TensorInfo };
  const { numSegments } = attrs as unknown as UnsortedSegmentSumAttrs;
  const b = backend as WasmHeapBackend;
  const ids = b.readSync(segmentIds.dataId);
  const innerShape = x.shape.slice(segmentIds.shape.length);
  const inner = util.sizeFromShape(innerShape);
  const out = b.makeOutput([numSegments, ...innerShape], x.dtype);
  // Views are taken after makeOutput: allocating may grow (and detach) the wasm heap.
  const xs = b.typedArrayFromHeap(x);
  const os = b.typedArrayFromHeap(out);
  os.fill(0);
  for (let i = 0; i < ids.length; i++) {
    const s = ids[i] as number;
    if (s < 0 || s >= numSegments) continue;
    const src = i * inner;
    const dst = s * inner;
    for (let k = 0; k < inner; k++) os[dst + k] = (os[dst + k] as number) + (xs[src + k] as number);
  }
  return out;
};

/**
 * `UnsortedSegmentSum` for wasm.
 *
 * @example
 * registerKernel(unsortedSegmentSumKernel('wasm'));
 */
export function unsortedSegmentSumKernel(backendName: 'wasm'): KernelConfig {
  return { kernelName: UnsortedSegmentSum, backendName, kernelFunc: unsortedSegmentSum };
}
