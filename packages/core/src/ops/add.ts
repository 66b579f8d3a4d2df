import {
  add,
  avgPool,
  clone,
  customGrad,
  engine,
  getBackend,
  mul,
  reshape,
  sum,
  type Tensor,
  type Tensor2D,
  type Tensor4D,
  tidy,
} from '@tensorflow/tfjs-core';

// tfjs's Add gradient reads its inputs' shapes (to undo broadcasting), so the tape keeps both inputs
// alive until backward reaches the sum: for a residual sum or a conv bias, whole activations that
// nothing else needs. These two sums know their shapes and save nothing. Outside a gradient tape
// they are plain `add`.

const taping = () => engine().state.gradientDepth > 0;

const sameShapeSum = customGrad((a, b) => ({
  value: add(a as Tensor, b as Tensor),
  // Two handles on dy (no copy): a tape may dispose one input's gradient while accumulating.
  gradFunc: (dy) => [clone(dy as Tensor), clone(dy as Tensor)],
}));

/**
 * `a + b` for tensors of the same shape, whose gradient `(dy, dy)` saves no tensor for backward.
 * Throws on different shapes.
 *
 * @example
 * const y = addSameShape(body, shortcut); // a residual sum
 */
export function addSameShape(a: Tensor, b: Tensor): Tensor {
  if (a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) {
    throw new Error(`addSameShape: shapes [${a.shape}] and [${b.shape}] differ`);
  }
  return taping() ? (sameShapeSum(a, b) as Tensor) : add(a, b);
}

/**
 * Σ over the rows of `x` [M, C] → [C], the bias gradient of a conv or a linear layer. On wasm, when M
 * splits into P ≤ 64 windows of at least 8 rows, XNNPACK's threaded average pooling takes the mean of
 * each window (x as [P, M/P, 1, C]) and tfjs's Sum adds up the P means: tfjs's wasm Sum over a leading
 * axis transposes x first, 3× slower for MNIST's conv bias [100352, 16] and 9× for [8192, 512]
 * (bench/RESULTS.md; the same pooling as `meanOver` of @convkit/norms). Elsewhere `sum(x, 0)`.
 *
 * @example
 * sumRows(tensor2d([[1, 2], [3, 4]])); // [4, 6]
 */
export function sumRows(x: Tensor2D): Tensor {
  const [m, c] = x.shape;
  let parts = getBackend() === 'wasm' ? Math.min(64, Math.floor(m / 8)) : 0;
  while (parts >= 2 && m % parts !== 0) parts--;
  if (parts < 2) return sum(x, 0);
  const window = m / parts;
  return tidy(() => {
    const means = avgPool(reshape(x, [parts, window, 1, c]) as Tensor4D, [window, 1], [window, 1], 'valid');
    return mul(sum(reshape(means, [parts, c]), 0), window);
  });
}

const biasSum = customGrad((y, bias) => {
  const t = y as Tensor;
  const c = (bias as Tensor).size;
  return {
    value: add(t, bias as Tensor),
    gradFunc: (dy) => [clone(dy as Tensor), sumRows(reshape(dy as Tensor, [-1, c]) as Tensor2D)],
  };
});

/**
 * `y + bias` with `bias [C]` broadcast over the last axis of `y [..., C]` (a conv's or a linear
 * layer's bias), whose gradient (dy, Σ dy over every axis but the last) saves no tensor.
 *
 * @example
 * const out = addBias(conv2d(x, w, 1, 'same'), b);
 */
export function addBias(y: Tensor, bias: Tensor): Tensor {
  const c = y.shape[y.rank - 1];
  if (bias.rank !== 1 || bias.shape[0] !== c) {
    throw new Error(`addBias: bias [${bias.shape}] must be [${c}] for input [${y.shape}]`);
  }
  return taping() ? (biasSum(y, bias) as Tensor) : add(y, bias);
}
