import { checkShape } from './check';

/** The fan-in and fan-out of a weight, and the receptive-field size they include. */
export interface Fans {
  fanIn: number;
  fanOut: number;
  /** Product of the spatial (kernel) dimensions; 1 for Linear weights and biases. */
  receptiveField: number;
}

/**
 * The fan-in and fan-out of a weight stored in convkit's (tfjs) layout.
 *
 * convkit keeps the *last* two dimensions as `[in, out]` (PyTorch keeps the first two as `[out, in]`):
 * - Linear weight `[in, out]`: fanIn = in, fanOut = out.
 * - Conv kernel, HWIO `[kh, kw, in, out]` (and `[k, in, out]`, `[kd, kh, kw, in, out]`):
 *   receptiveField = kh·kw, fanIn = in·receptiveField, fanOut = out·receptiveField.
 * - 1-D shape `[n]` (a bias or a vector): fanIn = fanOut = n (the Keras convention; PyTorch refuses).
 * - Rank 0 throws.
 *
 * These equal `torch.nn.init._calculate_fan_in_and_fan_out` on the same weight in PyTorch's layout
 * (OIHW `[out, in, kh, kw]`, Linear `[out, in]`). Grouped or depthwise kernels are not dense
 * `[.., in, out]` maps: give their fans explicitly (option `fans` of the Xavier/Kaiming initializers).
 *
 * @example
 * computeFans([3, 3, 16, 32]); // { fanIn: 144, fanOut: 288, receptiveField: 9 }
 * computeFans([784, 10]);      // { fanIn: 784, fanOut: 10, receptiveField: 1 }
 */
export function computeFans(shape: readonly number[]): Fans {
  checkShape(shape, 'computeFans');
  const rank = shape.length;
  if (rank === 0) {
    throw new Error(
      'computeFans: a scalar (rank-0) shape has no fan-in or fan-out; fan-based initializers need rank >= 1',
    );
  }
  if (rank === 1) return { fanIn: shape[0], fanOut: shape[0], receptiveField: 1 };
  let receptiveField = 1;
  for (let i = 0; i < rank - 2; i++) receptiveField *= shape[i];
  return {
    fanIn: shape[rank - 2] * receptiveField,
    fanOut: shape[rank - 1] * receptiveField,
    receptiveField,
  };
}

/**
 * The bound `b = 1/√fanIn` of PyTorch's default bias init for Linear and Conv (`U(-b, b)`; 0 when fanIn = 0).
 *
 * Pairs with the default weight init `kaimingUniform(shape, rng, { a: Math.sqrt(5) })`, whose bound is
 * also 1/√fanIn.
 *
 * @example
 * const b = fanInBiasBound([3, 3, 16, 32]); // 1/12
 * const bias = uniform([32], rng, { low: -b, high: b });
 */
export function fanInBiasBound(weightShape: readonly number[]): number {
  const { fanIn } = computeFans(weightShape);
  return fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
}
