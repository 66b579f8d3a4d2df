import {
  add,
  engine,
  FusedBatchNorm,
  type GradConfig,
  LRN,
  LRNGrad,
  mul,
  neg,
  rsqrt,
  scalar,
  sub,
  type Tensor,
} from '@tensorflow/tfjs-core';
import { reduceTo } from './util';

/**
 * batchNorm: y = (x − μ)·s·r + β with r = 1/√(σ² + ε) (μ, σ², s, β broadcast against x) →
 * dx = dy·s·r, dμ = −Σ dy·s·r, dσ² = Σ dy·s·(x−μ)·(−½ r³), ds = Σ dy·(x−μ)·r, dβ = Σ dy, each sum
 * over the axes its parameter was broadcast along. μ and σ² are inputs here: when they are batch
 * statistics computed from x, their own gradients flow back through the ops that computed them.
 * Under a gradient tape pass both `offset` and `scale` (zeros / ones if unused): tfjs 4.22's tape
 * fails on a kernel input that is absent (`getFilteredNodesXToY` reads `undefined.id`).
 */
export const fusedBatchNormGrad: GradConfig = {
  kernelName: FusedBatchNorm,
  inputsToSave: ['x', 'mean', 'variance', 'scale'],
  gradFunc: (dy, saved, attrs) => {
    const [x, mean, variance, scale] = saved as [Tensor, Tensor, Tensor, Tensor];
    const g = dy as Tensor;
    const eps = attrs.varianceEpsilon as number;
    const r = () => rsqrt(add(variance, scalar(eps)));
    const gs = () => mul(g, scale);
    return {
      x: () => reduceTo(mul(gs(), r()), x.shape),
      mean: () => reduceTo(neg(mul(gs(), r())), mean.shape),
      variance: () => {
        const rv = r();
        return reduceTo(
          mul(mul(gs(), sub(x, mean)), mul(mul(rv, mul(rv, rv)), scalar(-0.5))),
          variance.shape,
        );
      },
      scale: () => reduceTo(mul(g, mul(sub(x, mean), r())), scale.shape),
      // The op asserts offset has mean's rank; both are per-channel statistics of the same shape.
      offset: () => reduceTo(g, mean.shape),
    };
  },
};

/** Local response normalization → the backend's LRNGrad kernel. */
export const lrnGrad: GradConfig = {
  kernelName: LRN,
  inputsToSave: ['x'],
  outputsToSave: [true],
  gradFunc: (dy, saved, attrs) => {
    const [x, y] = saved as [Tensor, Tensor];
    const { depthRadius, bias, alpha, beta } = attrs;
    return {
      x: () =>
        engine().runKernel<Tensor>(LRNGrad, { x, y, dy: dy as Tensor }, { depthRadius, bias, alpha, beta }),
    };
  },
};

export const normalizationGradients: GradConfig[] = [fusedBatchNormGrad, lrnGrad];
