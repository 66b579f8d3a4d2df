import {
  cast,
  logSoftmax,
  mean,
  mul,
  neg,
  oneHot,
  reshape,
  type Scalar,
  sum,
  type Tensor,
  tidy,
} from '@tensorflow/tfjs-core';

/** Options of {@link crossEntropy}. */
export interface CrossEntropyOptions {
  /** `'mean'` over the batch (default) or `'sum'`. */
  reduction?: 'mean' | 'sum';
}

/**
 * Softmax cross-entropy between logits and targets, PyTorch's `F.cross_entropy`.
 *
 * `loss_n = -Σ_k t_nk · log softmax(z_n)_k`, averaged (default) or summed over the batch.
 * `log softmax` is tfjs's `logSoftmax` (max-shifted, with its own stable gradient
 * `∂loss/∂z = softmax(z) - t`), so large logits neither overflow nor lose the gradient.
 *
 * Shapes: `logits [N, K]`; `labels` either class indices `[N]` (int32, or float holding integers;
 * indices outside [0, K) give a zero row: not checked, that would sync) or targets `[N, K]`
 * (one-hot or soft). Returns a scalar.
 *
 * @example
 * const loss = crossEntropy(model.call(x), tensor1d([3, 0, 7], 'int32'));
 */
export function crossEntropy(logits: Tensor, labels: Tensor, options: CrossEntropyOptions = {}): Scalar {
  if (logits.rank !== 2) throw new Error(`crossEntropy: expected logits [N, K], got [${logits.shape}]`);
  const [n, k] = logits.shape;
  const isIndex = labels.rank === 1;
  if (
    (isIndex && labels.shape[0] !== n) ||
    (!isIndex && (labels.rank !== 2 || labels.shape[0] !== n || labels.shape[1] !== k))
  ) {
    throw new Error(
      `crossEntropy: labels must be class indices [${n}] or targets [${n}, ${k}] for logits [${n}, ${k}], got [${labels.shape}]`,
    );
  }
  return tidy(() => {
    const targets = isIndex ? oneHot(cast(labels, 'int32'), k) : cast(labels, 'float32');
    const perExample = neg(sum(mul(cast(targets, 'float32'), logSoftmax(logits)), 1));
    const reduced = (options.reduction ?? 'mean') === 'sum' ? sum(perExample) : mean(perExample);
    return reshape(reduced, []) as Scalar;
  });
}
