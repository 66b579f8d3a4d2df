import { checkNumber, type Rng } from '@convkit/backend';
import {
  add,
  gather,
  mul,
  type Tensor,
  type Tensor2D,
  type Tensor4D,
  tensor1d,
  tidy,
} from '@tensorflow/tfjs-core';
import { sampleBeta } from './beta';
import { type MixResult, toSoftLabels } from './mix-labels';
import { checkImages } from './validate';

export interface MixOptions {
  /** Beta(α, α) concentration of λ. Default 1 (λ uniform). */
  alpha?: number;
  /** Number of classes, needed when labels are [B] class ids. */
  numClasses?: number;
}

/** Draws λ ~ Beta(α, α) then a partner permutation (Fisher–Yates), both once per batch. */
export function drawMix(
  rng: Rng,
  batch: number,
  alpha: number,
  op: string,
): { lambda: number; partner: Int32Array } {
  checkNumber(op, 'alpha', alpha, { min: 0 });
  if (alpha === 0) throw new Error(`${op}: alpha must be > 0`);
  const lambda = sampleBeta(rng, alpha, alpha);
  return { lambda, partner: rng.permutation(batch) };
}

/** λ·a + (1 − λ)·a[partner] along axis 0. */
export function mixWith(a: Tensor, partner: Int32Array, lambda: number): Tensor {
  return add(mul(a, lambda), mul(gather(a, tensor1d(partner, 'int32'), 0), 1 - lambda));
}

/**
 * mixup (Zhang et al. 2018): x̃ = λ·x + (1 − λ)·x[π], ỹ = λ·y + (1 − λ)·y[π], with
 * λ ~ Beta(α, α) and a random permutation π, both drawn once per batch.
 *
 * Labels: [B, K] one-hot or soft, or [B] class ids with `numClasses`. Options: `alpha` (1),
 * `numClasses`. Shapes: x [B, H, W, C] → same; labels → [B, K] float32. Train with a soft-label
 * cross-entropy. Call it after the per-sample pipeline.
 *
 * @example
 * const { images, labels } = mixup(x, y, rng, { alpha: 0.2, numClasses: 10 });
 */
export function mixup(x: Tensor4D, labels: Tensor, rng: Rng, options: MixOptions = {}): MixResult {
  const op = 'mixup';
  checkImages(x, op);
  const B = x.shape[0];
  const { lambda, partner } = drawMix(rng, B, options.alpha ?? 1, op);
  return tidy(() => {
    const soft = toSoftLabels(labels, B, op, options.numClasses);
    return {
      images: mixWith(x, partner, lambda) as Tensor4D,
      labels: mixWith(soft, partner, lambda) as Tensor2D,
      lambda,
      partner,
    };
  });
}
