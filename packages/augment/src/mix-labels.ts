import { canReadSync } from '@convkit/backend';
import { cast, oneHot, type Tensor, type Tensor2D, type Tensor4D } from '@tensorflow/tfjs-core';

/**
 * Labels as [B, K] floats: a [B, K] one-hot/soft tensor as is, or [B] class ids with `numClasses`.
 * Class ids outside [0, numClasses) (which would become all-zero rows) or not integers throw. The ids
 * are read back to check them when that is synchronous and cheap: always on cpu and wasm, and on webgpu
 * for labels made from JavaScript data (as `@convkit/data`'s batches are); labels computed on the GPU
 * are not checked.
 */
export function toSoftLabels(labels: Tensor, batch: number, op: string, numClasses?: number): Tensor2D {
  if (labels.rank === 2) {
    if (labels.shape[0] !== batch)
      throw new Error(`${op}: labels have ${labels.shape[0]} rows for ${batch} images`);
    return cast(labels, 'float32') as Tensor2D;
  }
  if (labels.rank === 1) {
    if (labels.shape[0] !== batch) throw new Error(`${op}: ${labels.shape[0]} labels for ${batch} images`);
    if (numClasses === undefined || !Number.isInteger(numClasses) || numClasses < 1) {
      throw new Error(`${op}: class-id labels [B] need numClasses (a positive integer), got ${numClasses}`);
    }
    if (canReadSync(labels)) checkClassIds(labels.dataSync(), numClasses, op);
    return cast(oneHot(cast(labels, 'int32'), numClasses), 'float32') as Tensor2D;
  }
  throw new Error(`${op}: labels must be [B, K] one-hot/soft or [B] class ids, got shape [${labels.shape}]`);
}

function checkClassIds(ids: ArrayLike<number | string>, numClasses: number, op: string): void {
  for (let b = 0; b < ids.length; b++) {
    const id = ids[b] as number;
    if (!Number.isInteger(id) || id < 0 || id >= numClasses) {
      throw new Error(
        `${op}: class id ${id} at labels[${b}] is not an integer in [0, ${numClasses}) (numClasses ${numClasses}); ` +
          'it would give an all-zero label row',
      );
    }
  }
}

/** Images and labels mixed with a partner sample, and how. */
export interface MixResult {
  images: Tensor4D;
  /** [B, K] soft labels: λ·y + (1 − λ)·y[partner]. */
  labels: Tensor2D;
  /** The weight of each sample's own label (for cutmix, adjusted to the pasted box area). */
  lambda: number;
  /** partner[b]: the sample mixed into sample b. */
  partner: Int32Array;
}
