import { BatchMatMul, Reshape, type TensorInfo } from '@tensorflow/tfjs-core';
import type { ConvInfo } from './conv-backprop-util';
import type { KernelRunner } from './runner';
import type { WasmHeapBackend } from './wasm-heap';

/**
 * Conv2DBackpropFilter on wasm for convolutions with few taps × input channels (1×1 convs — ResNet's
 * projection shortcuts — and a 3-channel stem): one matrix product
 *   dW [KH·KW·Ci, Co] = colsᵀ [KH·KW·Ci, P] · dy [P, Co],   P = N·OH·OW,
 * where colsᵀ (the transposed im2col of x: row (a, b, c) holds x[n, i·sh + a − top, j·sw + b − left, c]
 * over (n, i, j), zero in the padding) is written in one JavaScript pass, and the product runs on
 * XNNPACK (tfjs's BatchMatMul, threaded), which reads dy in place as its [K, N] weights. The product
 * lands in HWIO order: no transpose of the result. For a 1×1 stride-2 conv colsᵀ is a quarter of x;
 * the general path (`conv2dFilterGrad`: x and dy transposed, a convolution with dy as a huge filter
 * over 32 channels a tap) costs several times the forward pass on these shapes (bench/RESULTS.md, per-conv table).
 */
export function useIm2colFilterGrad(info: ConvInfo): boolean {
  const taps = info.filterHeight * info.filterWidth;
  return (
    info.dilationHeight === 1 && info.dilationWidth === 1 && (taps === 1 || taps * info.inChannels <= 32)
  );
}

export function wasmConv2dFilterGradIm2col(
  r: KernelRunner,
  backend: unknown,
  x: TensorInfo,
  dy: TensorInfo,
  info: ConvInfo,
): TensorInfo {
  const b = backend as WasmHeapBackend;
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: ci, outChannels: co } = info;
  const { outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw } = info;
  const { filterHeight: kh, filterWidth: kw } = info;
  const { top, left } = info.padInfo;
  const p = n * oh * ow;
  const rows = kh * kw * ci;
  const cols = b.makeOutput([1, rows, p], 'float32');
  const src = b.typedArrayFromHeap(x) as Float32Array;
  const dst = b.typedArrayFromHeap(cols) as Float32Array;
  // Pixels in blocks of 16: each source pixel's Ci values are read together, each row gets 16
  // consecutive writes.
  const B = 16;
  for (let a = 0; a < kh; a++) {
    for (let bb = 0; bb < kw; bb++) {
      const row0 = (a * kw + bb) * ci * p;
      for (let q0 = 0; q0 < p; q0 += B) {
        const q1 = Math.min(p, q0 + B);
        for (let q = q0; q < q1; q++) {
          const img = Math.floor(q / (oh * ow));
          const rem = q - img * oh * ow;
          const i = Math.floor(rem / ow);
          const j = rem - i * ow;
          const y = i * sh + a - top;
          const xx = j * sw + bb - left;
          if (y < 0 || y >= h || xx < 0 || xx >= w) {
            for (let c = 0; c < ci; c++) dst[row0 + c * p + q] = 0;
            continue;
          }
          const s = ((img * h + y) * w + xx) * ci;
          for (let c = 0; c < ci; c++) dst[row0 + c * p + q] = src[s + c] as number;
        }
      }
    }
  }
  const dy3 = r.run(Reshape, { x: dy }, { shape: [1, p, co] });
  const prod = r.run(BatchMatMul, { a: cols, b: dy3 }, { transposeA: false, transposeB: false });
  r.dispose(cols);
  r.dispose(dy3);
  const out = r.run(Reshape, { x: prod }, { shape: [kh, kw, ci, co] });
  r.dispose(prod);
  return out;
}
