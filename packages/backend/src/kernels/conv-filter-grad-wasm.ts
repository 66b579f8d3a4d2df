import { Add, BatchMatMul, Reshape, Slice, type TensorInfo } from '@tensorflow/tfjs-core';
import type { ConvInfo } from './conv-backprop-util';
import type { KernelRunner } from './runner';
import type { WasmHeapBackend } from './wasm-heap';

/**
 * Conv2DBackpropFilter on wasm as matrix products over a transposed im2col of x:
 *   dW [KH·KW·Ci, Co] = Σ_chunks colsᵀ [KH·KW·Ci, P] · dy [P, Co],   P = images of the chunk · OH·OW,
 * where colsᵀ (row (a, b, c) holds x[n, i·sh + a − top, j·sw + b − left, c] over (n, i, j), zero in
 * the padding) is written in one JavaScript pass, and each product runs on XNNPACK (tfjs's
 * BatchMatMul, threaded), which reads dy in place as its [K, N] weights. The product lands in HWIO
 * order: no transpose of the result. The batch is taken in chunks of images so that colsᵀ stays
 * under `chunkFloats` (16 MiB by default) whatever the batch size; the chunks' products are summed.
 *
 * Used for 1×1 convs (ResNet's projection shortcuts: colsᵀ is a quarter of x at stride 2), for few
 * taps × channels (a 3-channel stem), and for 256 or more output channels. The JavaScript pass
 * writes KH·KW·Ci·P values and the product does Co multiply-adds for each of them, so with many
 * output channels the pass is cheap next to the product, and the product runs faster than the
 * general path (`conv2dFilterGrad`: x and dy transposed, a convolution with dy as a huge filter over
 * 32 channels a tap): 1.2–1.3× the forward pass instead of 1.5–1.7× on ResNet-18's 256- and
 * 512-channel 3×3 convs (bench/RESULTS.md). With 64 or 128 output channels the single-threaded
 * pass costs more than it saves, and the general path stays.
 */
export function useIm2colFilterGrad(info: ConvInfo): boolean {
  const taps = info.filterHeight * info.filterWidth;
  return (
    info.dilationHeight === 1 &&
    info.dilationWidth === 1 &&
    (taps === 1 || taps * info.inChannels <= 32 || info.outChannels >= 256)
  );
}

/** Floats of colsᵀ per matrix product (16 MiB): the batch is taken in chunks of images this size at most. */
const CHUNK_FLOATS = 1 << 22;

export function wasmConv2dFilterGradIm2col(
  r: KernelRunner,
  backend: unknown,
  x: TensorInfo,
  dy: TensorInfo,
  info: ConvInfo,
  chunkFloats = CHUNK_FLOATS,
): TensorInfo {
  const b = backend as WasmHeapBackend;
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: ci, outChannels: co } = info;
  const { outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw } = info;
  const { filterHeight: kh, filterWidth: kw } = info;
  const { top, left } = info.padInfo;
  const rows = kh * kw * ci;
  const chunk = Math.max(1, Math.min(n, Math.floor(chunkFloats / (rows * oh * ow))));
  let sum: TensorInfo | null = null;
  for (let n0 = 0; n0 < n; n0 += chunk) {
    const n1 = Math.min(n, n0 + chunk);
    const p = (n1 - n0) * oh * ow;
    const cols = b.makeOutput([1, rows, p], 'float32');
    const src = b.typedArrayFromHeap(x) as Float32Array;
    const dst = b.typedArrayFromHeap(cols) as Float32Array;
    // One view of the whole heap for copyWithin (a memmove): x and colsᵀ both live in it.
    const heap = new Float32Array(dst.buffer);
    const x0 = src.byteOffset >> 2;
    const d0 = dst.byteOffset >> 2;
    for (let a = 0; a < kh; a++) {
      for (let bb = 0; bb < kw; bb++) {
        const row0 = (a * kw + bb) * ci * p;
        // The output columns j whose input column j·sw + bb − left is inside x: [jLo, jHi).
        const jLo = Math.min(ow, Math.max(0, Math.ceil((left - bb) / sw)));
        const jHi = Math.max(jLo, Math.min(ow, Math.floor((w - 1 - bb + left) / sw) + 1));
        let q = 0;
        for (let img = n0; img < n1; img++) {
          // One channel, stride 1 both ways, rows as long as x's: the valid rows of this image are
          // one shift of x, so one memmove copies them all; x's neighbouring columns land between
          // them, where the row loop below writes the padding's zeros.
          const wholeImage = ci === 1 && sh === 1 && sw === 1 && ow === w && jHi > jLo;
          if (wholeImage) {
            const iLo = Math.max(0, top - a);
            const iHi = Math.min(oh, h + top - a);
            if (iHi > iLo) {
              const from = (img * h + iLo + a - top) * w + jLo + bb - left;
              const length = (iHi - 1 - iLo) * ow + (jHi - jLo);
              heap.copyWithin(d0 + row0 + q + iLo * ow + jLo, x0 + from, x0 + from + length);
            }
          }
          for (let i = 0; i < oh; i++, q += ow) {
            const y = i * sh + a - top;
            const inside = y >= 0 && y < h;
            // Zeros where the window reads the padding: the whole row, or its two ends.
            for (let c = 0; c < ci; c++) {
              const r0 = row0 + c * p + q;
              if (!inside) dst.fill(0, r0, r0 + ow);
              else {
                for (let j = 0; j < jLo; j++) dst[r0 + j] = 0;
                for (let j = jHi; j < ow; j++) dst[r0 + j] = 0;
              }
            }
            if (!inside || jHi === jLo || wholeImage) continue;
            const s0 = ((img * h + y) * w + jLo * sw + bb - left) * ci;
            if (ci === 1 && sw === 1) {
              // One channel at stride 1: the row segment is contiguous in x and in colsᵀ.
              heap.copyWithin(d0 + row0 + q + jLo, x0 + s0, x0 + s0 + (jHi - jLo));
              continue;
            }
            // Pixel by pixel: each reads its Ci values of x together; the Ci rows advance together.
            for (let j = jLo, s = s0; j < jHi; j++, s += sw * ci) {
              for (let c = 0; c < ci; c++) dst[row0 + c * p + q + j] = src[s + c] as number;
            }
          }
        }
      }
    }
    const part =
      n1 - n0 === n ? dy : r.run(Slice, { x: dy }, { begin: [n0, 0, 0, 0], size: [n1 - n0, oh, ow, co] });
    const dy3 = r.run(Reshape, { x: part }, { shape: [1, p, co] });
    const prod = r.run(BatchMatMul, { a: cols, b: dy3 }, { transposeA: false, transposeB: false });
    r.dispose(cols);
    r.dispose(dy3);
    if (part !== dy) r.dispose(part);
    if (sum === null) sum = prod;
    else {
      const next = r.run(Add, { a: sum, b: prod });
      r.dispose(sum);
      r.dispose(prod);
      sum = next;
    }
  }
  const out = r.run(Reshape, { x: sum as TensorInfo }, { shape: [kh, kw, ci, co] });
  r.dispose(sum as TensorInfo);
  return out;
}
