import {
  backend_util,
  type KernelConfig,
  type KernelFunc,
  MaxPoolGrad,
  type MaxPoolGradAttrs,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import type { WasmHeapBackend } from './wasm-heap';

/**
 * `MaxPoolGrad` for wasm: dx[n,h,w,c] = Σ_{windows (i,j) whose argmax is (h,w)} dy[n,i,j,c], where a
 * window's argmax is the first in-bounds element (row-major scan) strictly greater than all before
 * it — the cpu backend's choice on ties, and PyTorch's; padding never wins. (tfjs 4.22's wasm kernel
 * sends the gradient of a window whose maximum is negative to the window's first element.)
 *
 * One pass over the windows in JavaScript on the wasm heap, all channels of a window at once so the
 * inner loop reads contiguous NHWC memory: O(N·OH·OW·KH·KW·C) reads, dx accumulated in float32.
 *
 * Inputs: dy [N,OH,OW,C], input x [N,H,W,C] (output y is not needed). Attrs: filterSize, strides,
 * pad ('same' | 'valid' | number | explicit), dimRoundingMode; dilation 1.
 * Output: dx [N,H,W,C], float32.
 */
const maxPoolGrad: KernelFunc = ({ inputs, backend, attrs }) => {
  const { dy, input } = inputs as { dy: TensorInfo; input: TensorInfo };
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as MaxPoolGradAttrs;
  const info = backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    filterSize,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow } = info;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const { top, left } = info.padInfo;
  const b = backend as WasmHeapBackend;
  const out = b.makeOutput(input.shape, 'float32');
  // Views are taken after makeOutput: allocating may grow (and detach) the wasm heap.
  const xs = b.typedArrayFromHeap(input);
  const dys = b.typedArrayFromHeap(dy);
  const dx = b.typedArrayFromHeap(out) as Float32Array;
  dx.fill(0);
  const best = new Float64Array(c);
  const arg = new Int32Array(c);
  for (let bi = 0; bi < n; bi++) {
    for (let i = 0; i < oh; i++) {
      const r0 = i * sh - top;
      const rLo = Math.max(0, r0);
      const rHi = Math.min(h, r0 + kh);
      for (let j = 0; j < ow; j++) {
        const c0 = j * sw - left;
        const cLo = Math.max(0, c0);
        const cHi = Math.min(w, c0 + kw);
        // −∞ start and a strict `>`: the first maximum wins; NaN never does (as on cpu).
        best.fill(Number.NEGATIVE_INFINITY);
        arg.fill(-1);
        for (let r = rLo; r < rHi; r++) {
          for (let col = cLo; col < cHi; col++) {
            const base = ((bi * h + r) * w + col) * c;
            for (let d = 0; d < c; d++) {
              const v = xs[base + d] as number;
              if (v > (best[d] as number)) {
                best[d] = v;
                arg[d] = base + d;
              }
            }
          }
        }
        const dyBase = ((bi * oh + i) * ow + j) * c;
        for (let d = 0; d < c; d++) {
          const at = arg[d] as number;
          if (at >= 0) dx[at] = (dx[at] as number) + (dys[dyBase + d] as number);
        }
      }
    }
  }
  return out;
};

/**
 * `MaxPoolGrad` for wasm.
 *
 * @example
 * registerKernel(maxPoolGradKernel('wasm'));
 */
export function maxPoolGradKernel(backendName: 'wasm'): KernelConfig {
  return { kernelName: MaxPoolGrad, backendName, kernelFunc: maxPoolGrad };
}
