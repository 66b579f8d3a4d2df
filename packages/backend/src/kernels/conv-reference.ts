import type { backend_util } from '@tensorflow/tfjs-core';

/**
 * Float64 JavaScript reference for 2-D convolution and its gradients (NHWC, HWIO), straight from the
 * definition: y[n,i,j,o] = Σ x[n, i·sh + a·dh − top, j·sw + b·dw − left, c] · W[a,b,c,o] (depthwise:
 * o = c·M + m, no sum over c). O(N·OH·OW·KH·KW·Ci·Co): for tests on small shapes only.
 */
export interface ConvReference {
  y: Float64Array;
  dx: Float64Array;
  dw: Float64Array;
}

export function convReference(
  x: ArrayLike<number>,
  w: ArrayLike<number>,
  dy: ArrayLike<number>,
  info: backend_util.Conv2DInfo,
  depthwise: boolean,
): ConvReference {
  const { batchSize: nb, inHeight: hh, inWidth: ww, inChannels: ci, outHeight: oh, outWidth: ow } = info;
  const { filterHeight: kh, filterWidth: kw, outChannels: co } = info;
  const m = depthwise ? co / ci : 1;
  const wOut = depthwise ? m : co;
  const y = new Float64Array(nb * oh * ow * co);
  const dx = new Float64Array(nb * hh * ww * ci);
  const dw = new Float64Array(kh * kw * ci * wOut);
  for (let n = 0; n < nb; n++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++)
        for (let o = 0; o < co; o++) {
          const yi = ((n * oh + i) * ow + j) * co + o;
          const g = dy[yi] as number;
          let acc = 0;
          for (let a = 0; a < kh; a++) {
            const h = i * info.strideHeight + a * info.dilationHeight - info.padInfo.top;
            if (h < 0 || h >= hh) continue;
            for (let b = 0; b < kw; b++) {
              const v = j * info.strideWidth + b * info.dilationWidth - info.padInfo.left;
              if (v < 0 || v >= ww) continue;
              const c0 = depthwise ? Math.floor(o / m) : 0;
              const c1 = depthwise ? c0 + 1 : ci;
              for (let c = c0; c < c1; c++) {
                const xi = ((n * hh + h) * ww + v) * ci + c;
                const wi = ((a * kw + b) * ci + c) * wOut + (depthwise ? o % m : o);
                acc += (x[xi] as number) * (w[wi] as number);
                dx[xi] = (dx[xi] as number) + g * (w[wi] as number);
                dw[wi] = (dw[wi] as number) + g * (x[xi] as number);
              }
            }
          }
          y[yi] = acc;
        }
  return { y, dx, dw };
}
