import type { Rng } from '@convkit/backend';
import { gather, type Tensor, type Tensor2D, type Tensor4D, tensor1d, tidy } from '@tensorflow/tfjs-core';
import { selectByMask, spatialMask } from './mask';
import { type MixResult, toSoftLabels } from './mix-labels';
import { drawMix, type MixOptions, mixWith } from './mixup';
import type { Box } from './resized-crop';
import { checkImages } from './validate';

/**
 * The CutMix box for λ (torchvision v2 `CutMix`): centre (cy, cx) uniform over the pixels,
 * half-sides ⌊½√(1 − λ)·H⌋ and ⌊½√(1 − λ)·W⌋, clipped to the image. Draws cx then cy.
 */
export function cutmixBox(rng: Rng, H: number, W: number, lambda: number): Box {
  const cx = rng.int(0, W);
  const cy = rng.int(0, H);
  const r = 0.5 * Math.sqrt(1 - lambda);
  const hw = Math.floor(r * W);
  const hh = Math.floor(r * H);
  const x1 = Math.max(cx - hw, 0);
  const y1 = Math.max(cy - hh, 0);
  const x2 = Math.min(cx + hw, W);
  const y2 = Math.min(cy + hh, H);
  return { top: y1, left: x1, height: y2 - y1, width: x2 - x1 };
}

/**
 * CutMix (Yun et al. 2019): a box of area ≈ (1 − λ)·H·W from the partner image x[π] is pasted into
 * every image, λ ~ Beta(α, α); then λ is set to the exact kept fraction,
 * λ = 1 − box area / (H·W), and labels are mixed with it: ỹ = λ·y + (1 − λ)·y[π].
 * λ, π and the box are drawn once per batch.
 *
 * Labels: [B, K] one-hot or soft, or [B] class ids with `numClasses`. Options: `alpha` (1),
 * `numClasses`. Shapes: x [B, H, W, C] → same; labels → [B, K] float32.
 *
 * @example
 * const { images, labels, lambda } = cutmix(x, y, rng, { numClasses: 10 });
 */
export function cutmix(x: Tensor4D, labels: Tensor, rng: Rng, options: MixOptions = {}): MixResult {
  const op = 'cutmix';
  checkImages(x, op);
  const [B, H, W] = x.shape;
  const drawn = drawMix(rng, B, options.alpha ?? 1, op);
  const box = cutmixBox(rng, H, W, drawn.lambda);
  const lambda = 1 - (box.height * box.width) / (H * W);
  const { partner } = drawn;
  return tidy(() => {
    const soft = toSoftLabels(labels, B, op, options.numClasses);
    const rows = new Uint8Array(H);
    const cols = new Uint8Array(W);
    rows.fill(1, box.top, box.top + box.height);
    cols.fill(1, box.left, box.left + box.width);
    const inBox = Uint8Array.from({ length: H * W }, (_, k) => rows[Math.floor(k / W)] & cols[k % W]);
    const m = spatialMask(inBox, H, W, x.shape[3]);
    const images = selectByMask(m, gather(x, tensor1d(partner, 'int32'), 0), x) as Tensor4D;
    return { images, labels: mixWith(soft, partner, lambda) as Tensor2D, lambda, partner };
  });
}
