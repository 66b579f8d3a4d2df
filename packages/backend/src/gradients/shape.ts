import {
  BroadcastTo,
  backend_util,
  Cast,
  cast,
  clone,
  ExpandDims,
  type GradConfig,
  Identity,
  Reshape,
  Reverse,
  reshape,
  reverse,
  sum,
  type Tensor,
  Tile,
  Transpose,
  transpose,
} from '@tensorflow/tfjs-core';
import { reduceTo } from './util';

/** reshape / expandDims → dy reshaped back to x's shape. */
const reshapeBack = (kernelName: string, input: string): GradConfig => ({
  kernelName,
  inputsToSave: [input],
  gradFunc: (dy, [x]) => ({ [input]: () => reshape(dy as Tensor, (x as Tensor).shape) }),
});

export const reshapeGrad = reshapeBack(Reshape, 'x');
export const expandDimsGrad = reshapeBack(ExpandDims, 'input');

/** transpose(x, perm) → transpose(dy, perm⁻¹). */
export const transposeGrad: GradConfig = {
  kernelName: Transpose,
  gradFunc: (dy, _, attrs) => {
    const perm = attrs.perm as number[];
    return { x: () => transpose(dy as Tensor, backend_util.getUndoAxesPermutation(perm)) };
  },
};

/** cast → dy as float32 (integer and bool inputs get a float32 gradient, as the tape requires). */
export const castGrad: GradConfig = {
  kernelName: Cast,
  gradFunc: (dy) => ({ x: () => cast(dy as Tensor, 'float32') }),
};

/** identity (clone) → a copy of dy (never dy itself: the tape may dispose it while accumulating). */
export const identityGrad: GradConfig = {
  kernelName: Identity,
  gradFunc: (dy) => ({ x: () => clone(dy as Tensor) }),
};

/** reverse(x, dims) → reverse(dy, dims). */
export const reverseGrad: GradConfig = {
  kernelName: Reverse,
  gradFunc: (dy, _, attrs) => ({ x: () => reverse(dy as Tensor, attrs.dims as number | number[]) }),
};

/** broadcastTo(x, shape) → dy summed over the broadcast axes. */
export const broadcastToGrad: GradConfig = {
  kernelName: BroadcastTo,
  gradFunc: (dy, _, attrs) => ({ x: () => reduceTo(dy as Tensor, attrs.inputShape as number[]) }),
};

// webgpu's reduction shaders stop at rank 6.
const maxSumRank = 6;

/**
 * tile(x, reps) → Σ over the copies. dy [r₀·d₀, r₁·d₁, ...] is viewed as [r₀, d₀, r₁, d₁, ...]
 * (axes with rᵢ = 1 dropped, neighbouring untiled axes merged) and the rep axes summed in one op;
 * past rank 6, one rank-3 sum per tiled axis. One pass over dy, not one slice+add per copy.
 */
export const tileGrad: GradConfig = {
  kernelName: Tile,
  inputsToSave: ['x'],
  gradFunc: (dy, [x], attrs) => {
    const xShape = (x as Tensor).shape;
    const reps = attrs.reps as number[];
    return {
      x: () => {
        const view: number[] = [];
        const repAxes: number[] = [];
        let merging = false;
        xShape.forEach((d, i) => {
          const r = reps[i] as number;
          if (r > 1) {
            repAxes.push(view.length);
            view.push(r, d);
            merging = false;
          } else if (merging) {
            view[view.length - 1] = (view[view.length - 1] as number) * d;
          } else {
            view.push(d);
            merging = true;
          }
        });
        if (repAxes.length === 0) return reshape(dy as Tensor, xShape);
        if (view.length <= maxSumRank) return reshape(sum(reshape(dy as Tensor, view), repAxes), xShape);
        let g = dy as Tensor;
        let outer = 1;
        let shape = [...(dy as Tensor).shape];
        xShape.forEach((d, i) => {
          const r = reps[i] as number;
          if (r > 1) {
            const inner = shape.slice(i + 1).reduce((p, q) => p * q, 1);
            g = sum(reshape(g, [outer, r, d * inner]), 1);
            shape = [...shape.slice(0, i), d, ...shape.slice(i + 1)];
          }
          outer *= d;
        });
        return reshape(g, xShape);
      },
    };
  },
};

export const shapeGradients: GradConfig[] = [
  reshapeGrad,
  expandDimsGrad,
  transposeGrad,
  castGrad,
  identityGrad,
  reverseGrad,
  broadcastToGrad,
  tileGrad,
];
