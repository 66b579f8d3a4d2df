import { checkNumber } from '@convkit/backend';
import { crossEntropy } from '@convkit/core';
import type { Scalar, Tensor } from '@tensorflow/tfjs-core';

/**
 * A training loss: logits `[B, K]` and labels (class indices `[B]`, or targets `[B, K]` after mixup /
 * cutmix) to the batch's mean loss, a scalar.
 */
export type LossFn = (logits: Tensor, labels: Tensor) => Scalar;

/**
 * The loss of `fit` and `evaluate`: `loss` when given, else core's `crossEntropy` with
 * `labelSmoothing` ε (default 0: plain cross-entropy).
 */
export function resolveLoss(
  who: string,
  loss: LossFn | undefined,
  labelSmoothing: number | undefined,
): LossFn {
  if (loss !== undefined) {
    if (typeof loss !== 'function')
      throw new Error(`${who}: loss must be a function (logits, labels) => Scalar`);
    if (labelSmoothing !== undefined && labelSmoothing !== 0) {
      throw new Error(
        `${who}: labelSmoothing applies to the default loss only; put it in your loss function`,
      );
    }
    return loss;
  }
  const eps = checkNumber(who, 'labelSmoothing', labelSmoothing ?? 0, { min: 0, max: 1 });
  return eps === 0 ? (z, y) => crossEntropy(z, y) : (z, y) => crossEntropy(z, y, { labelSmoothing: eps });
}
