import {
  abs,
  cast,
  div,
  equal,
  greater,
  max,
  maximum,
  mean,
  mul,
  scalar,
  sqrt,
  square,
  stack,
  sub,
  type Tensor,
  tidy,
} from '@tensorflow/tfjs-core';

/** Order of the entries of `summarize`'s result. */
export const SUMMARY_FIELDS = ['mean', 'std', 'zeroFraction', 'saturatedFraction'] as const;

/**
 * Summary statistics of a whole tensor (every element, batch included), computed on the device, as a
 * float32 tensor `[mean, std, zeroFraction, saturatedFraction]` (the order of `SUMMARY_FIELDS`):
 * - std = √(mean((x − mean(x))²)), the population std (two-pass, so no cancellation);
 * - zeroFraction: fraction of elements exactly 0 (dead ReLU units);
 * - saturatedFraction: fraction with |x| > `threshold` (saturated tanh/sigmoid units for 0.99).
 *
 * Non-finite inputs give NaN moments. The caller owns the result.
 */
export function summarize(x: Tensor, threshold: number): Tensor {
  return tidy(() => {
    const xf = cast(x, 'float32');
    // Moments of y = x / max|x|, rescaled afterwards: exploding activations (std ~ 1e25 after 30
    // too-large layers) would square past float32's max 3.4e38, vanishing ones (~ 1e-25) below its
    // smallest normal 1.2e-38. The floor keeps an all-zero tensor at 0 instead of 0/0.
    const scale = maximum(max(abs(xf)), scalar(1e-30));
    const y = div(xf, scale);
    const m = mean(y);
    return stack([
      mul(m, scale),
      mul(sqrt(mean(square(sub(y, m)))), scale),
      mean(cast(equal(xf, 0), 'float32')),
      mean(cast(greater(abs(xf), threshold), 'float32')),
    ]);
  });
}
