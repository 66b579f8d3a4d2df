import { backend_util, cast, reshape, sum, type Tensor, zeros } from '@tensorflow/tfjs-core';

/** `t` as float32 (gradients must be float32; integer inputs are cast before any arithmetic). */
export const f32 = (t: Tensor): Tensor => (t.dtype === 'float32' ? t : cast(t, 'float32'));

/**
 * Undoes broadcasting: sums `g` over the axes broadcasting added or stretched, so that it has
 * `shape` (numpy rules, right-aligned).
 */
export function reduceTo(g: Tensor, shape: number[]): Tensor {
  const axes = backend_util.getReductionAxes(shape, g.shape);
  return reshape(axes.length > 0 ? sum(g, axes) : g, shape);
}

/** A float32 zero gradient of `shape`. */
export const zeroGrad = (shape: number[]) => (): Tensor => zeros(shape, 'float32');

/** `shape` with the `axes` kept as size 1 (the keepDims shape of a reduction). */
export function keepDimsShape(shape: number[], axes: number[]): number[] {
  return shape.map((d, i) => (axes.includes(i) ? 1 : d));
}
