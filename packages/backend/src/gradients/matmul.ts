import { BatchMatMul, type GradConfig, matMul, type Tensor } from '@tensorflow/tfjs-core';
import { reduceTo } from './util';

/**
 * C = op(A)·op(B) (op = optional transpose of the last two axes) →
 * dA = dC·op(B)ᵀ (transposed back when A was), dB = op(A)ᵀ·dC (likewise); a batch axis of size 1
 * that was broadcast is summed back.
 */
export const batchMatMulGrad: GradConfig = {
  kernelName: BatchMatMul,
  inputsToSave: ['a', 'b'],
  gradFunc: (dy, saved, attrs) => {
    const [a, b] = saved as [Tensor, Tensor];
    const ta = Boolean(attrs.transposeA);
    const tb = Boolean(attrs.transposeB);
    const g = dy as Tensor;
    const da = () => (ta ? matMul(b, g, tb, true) : matMul(g, b, false, !tb));
    const db = () => (tb ? matMul(g, a, true, ta) : matMul(a, g, !ta, false));
    return { a: () => reduceTo(da(), a.shape), b: () => reduceTo(db(), b.shape) };
  },
};

export const matmulGradients: GradConfig[] = [batchMatMulGrad];
