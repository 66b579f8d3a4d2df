import {
  type GradConfig,
  matMul,
  ResizeBilinear,
  ResizeNearestNeighbor,
  reshape,
  type Tensor,
  tensor2d,
} from '@tensorflow/tfjs-core';

type Weights = (
  outSize: number,
  inSize: number,
  alignCorners: boolean,
  halfPixelCenters: boolean,
) => Float32Array;

/** Source position of output index r, exactly as tfjs's resize kernels compute it. */
function ratio(outSize: number, inSize: number, alignCorners: boolean): number {
  const a = alignCorners && outSize > 1;
  return (a ? inSize - 1 : inSize) / (a ? outSize - 1 : outSize);
}

/** [out, in] matrix of bilinear weights: row r puts 1−f on ⌊s⌋ and f on ⌈s⌉ (clamped). */
const bilinearWeights: Weights = (outSize, inSize, alignCorners, halfPixelCenters) => {
  const w = new Float32Array(outSize * inSize);
  const k = ratio(outSize, inSize, alignCorners);
  for (let r = 0; r < outSize; r++) {
    const s = halfPixelCenters ? k * (r + 0.5) - 0.5 : k * r;
    const lo = Math.max(0, Math.floor(s));
    const hi = Math.min(inSize - 1, Math.ceil(s));
    const f = s - lo;
    w[r * inSize + lo] = (w[r * inSize + lo] as number) + (1 - f);
    w[r * inSize + hi] = (w[r * inSize + hi] as number) + f;
  }
  return w;
};

/** [out, in] 0/1 matrix: row r selects the nearest source index. */
const nearestWeights: Weights = (outSize, inSize, alignCorners, halfPixelCenters) => {
  const w = new Float32Array(outSize * inSize);
  const k = ratio(outSize, inSize, alignCorners);
  for (let r = 0; r < outSize; r++) {
    const s = halfPixelCenters ? k * (r + 0.5) : k * r;
    let src = Math.min(inSize - 1, alignCorners ? Math.round(s) : Math.floor(s));
    if (halfPixelCenters) src = Math.max(0, src);
    w[r * inSize + src] = 1;
  }
  return w;
};

/**
 * Resizing is separable: y[n] = Rh · x[n] · Rwᵀ per channel, with interpolation matrices
 * Rh [OH, H] and Rw [OW, W] built in JavaScript from the kernels' own index formulas. So
 * dx[n] = Rhᵀ · dy[n] · Rw: two batched matmuls, no transposes. Every alignCorners /
 * halfPixelCenters combination is exact (tfjs 4.22's *Grad kernels ignore halfPixelCenters, and cpu's
 * bilinear one returns H and W swapped). Cost O(N·C·(H·OH·OW + H·W·OW)): dense, fine for feature maps.
 */
const resizeGrad = (kernelName: string, weights: Weights): GradConfig => ({
  kernelName,
  inputsToSave: ['images'],
  gradFunc: (dy, [images], attrs) => {
    const [, h, w] = (images as Tensor).shape as [number, number, number, number];
    const align = Boolean(attrs.alignCorners);
    const half = Boolean(attrs.halfPixelCenters);
    return {
      images: () => {
        const g = dy as Tensor;
        const [n, oh, ow, c] = g.shape as [number, number, number, number];
        const rh = tensor2d(weights(oh, h, align, half), [oh, h]);
        const rw = tensor2d(weights(ow, w, align, half), [ow, w]);
        const rows = matMul(rh, reshape(g, [n, oh, ow * c]), true, false);
        const cols = matMul(rw, reshape(rows, [n * h, ow, c]), true, false);
        return reshape(cols, [n, h, w, c]);
      },
    };
  },
});

export const resizeBilinearGrad = resizeGrad(ResizeBilinear, bilinearWeights);
export const resizeNearestNeighborGrad = resizeGrad(ResizeNearestNeighbor, nearestWeights);

export const imageGradients: GradConfig[] = [resizeBilinearGrad, resizeNearestNeighborGrad];
