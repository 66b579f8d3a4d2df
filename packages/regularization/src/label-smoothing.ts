import { type CrossEntropyOptions, crossEntropy } from '@convkit/core';
import { reshape, type Scalar, type Tensor, tidy } from '@tensorflow/tfjs-core';

/**
 * Cross-entropy against label-smoothed targets, PyTorch's `F.cross_entropy(logits, target,
 * label_smoothing=ε)` (Szegedy et al. 2016):
 *
 *   q = (1 − ε)·t + ε/K,   loss_n = −Σ_k q_nk · log softmax(z_n)_k
 *
 * where t is the one-hot of the class index (or the given target distribution) and K the number of
 * classes; for index labels this is (1 − ε)·NLL + ε·mean_k(−log p_k). Averaged (default) or summed
 * over every position. ε = 0 is plain cross-entropy.
 *
 * Shapes: `logits [..., K]` (classes last: [N, K], or [N, H, W, K] for per-pixel labels); `labels`
 * either class indices of shape `logits.shape[:-1]` (int32; out-of-range indices are not checked, that
 * would sync) or targets of the logits' shape. Returns a scalar. `options.ignoreIndex` (index labels
 * only, PyTorch's `ignore_index`): positions with that label contribute nothing, neither to the loss
 * nor to the count a `'mean'` divides by.
 *
 * @example
 * const loss = labelSmoothingCrossEntropy(model.call(x), tensor1d([3, 0, 7], 'int32'), 0.1);
 */
export function labelSmoothingCrossEntropy(
  logits: Tensor,
  labels: Tensor,
  smoothing: number,
  options: Omit<CrossEntropyOptions, 'labelSmoothing'> = {},
): Scalar {
  if (typeof smoothing !== 'number' || !(smoothing >= 0 && smoothing <= 1)) {
    throw new Error(`labelSmoothingCrossEntropy: smoothing must be between 0.0 and 1.0, got ${smoothing}`);
  }
  if (logits.rank < 2) {
    throw new Error(
      `labelSmoothingCrossEntropy: expected logits [..., K] of rank >= 2, got [${logits.shape}]`,
    );
  }
  const k = logits.shape[logits.rank - 1];
  const lead = logits.shape.slice(0, -1);
  const isIndex = labels.rank === logits.rank - 1 && labels.shape.every((d, i) => d === lead[i]);
  const isTarget = labels.rank === logits.rank && labels.shape.every((d, i) => d === logits.shape[i]);
  if (!isIndex && !isTarget) {
    throw new Error(
      `labelSmoothingCrossEntropy: labels must be class indices [${lead}] or targets [${logits.shape}], got [${labels.shape}]`,
    );
  }
  // Positions as rows: core's crossEntropy smooths the targets and leaves out `ignoreIndex`.
  return tidy(() =>
    crossEntropy(reshape(logits, [-1, k]), reshape(labels, isIndex ? [-1] : [-1, k]), {
      ...options,
      labelSmoothing: smoothing,
    }),
  );
}
