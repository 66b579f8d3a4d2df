import {
  add,
  cast,
  div,
  logSoftmax,
  mean,
  mul,
  neg,
  notEqual,
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
  /**
   * A class index whose examples contribute nothing, PyTorch's `ignore_index` (index labels only):
   * their loss and gradient are zero and `'mean'` divides by the number of the others (NaN when
   * every example is ignored, as PyTorch). Default: none.
   */
  ignoreIndex?: number;
  /**
   * ε of label smoothing, PyTorch's `label_smoothing` (Szegedy et al. 2016): the targets become
   * (1 − ε)·t + ε/K. In [0, 1]; default 0.
   */
  labelSmoothing?: number;
}

/**
 * Softmax cross-entropy between logits and targets, PyTorch's `F.cross_entropy`.
 *
 * `loss_n = -Σ_k q_nk · log softmax(z_n)_k`, q = (1 − ε)·t + ε/K (ε = `labelSmoothing`, default 0),
 * averaged (default) or summed over the batch.
 * `log softmax` is tfjs's `logSoftmax` (max-shifted, with its own stable gradient
 * `∂loss/∂z = softmax(z) - t`), so large logits neither overflow nor lose the gradient.
 *
 * Shapes: `logits [N, K]`; `labels` either class indices `[N]` (int32, or float holding integers;
 * indices outside [0, K) give a zero row: not checked, that would sync) or targets `[N, K]`
 * (one-hot or soft). Returns a scalar. With `ignoreIndex`, examples of that label are left out.
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
  const { ignoreIndex, labelSmoothing: eps = 0 } = options;
  if (typeof eps !== 'number' || !(eps >= 0 && eps <= 1)) {
    throw new Error(`crossEntropy: labelSmoothing must be between 0.0 and 1.0, got ${eps}`);
  }
  if (ignoreIndex !== undefined && (!isIndex || !Number.isInteger(ignoreIndex))) {
    throw new Error(
      `crossEntropy: ignoreIndex needs class-index labels and an integer index, got labels [${labels.shape}] and ${ignoreIndex}`,
    );
  }
  return tidy(() => {
    const indices = isIndex ? cast(labels, 'int32') : undefined;
    const t = indices ? cast(oneHot(indices, k), 'float32') : cast(labels, 'float32');
    const targets = eps === 0 ? t : add(mul(t, 1 - eps), eps / k);
    const perExample = neg(sum(mul(targets, logSoftmax(logits)), 1));
    if (indices && ignoreIndex !== undefined) {
      const kept = cast(notEqual(indices, ignoreIndex), 'float32');
      const total = sum(mul(perExample, kept));
      return reshape(options.reduction === 'sum' ? total : div(total, sum(kept)), []) as Scalar;
    }
    const reduced = (options.reduction ?? 'mean') === 'sum' ? sum(perExample) : mean(perExample);
    return reshape(reduced, []) as Scalar;
  });
}
