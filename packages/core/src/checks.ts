import type { Tensor } from '@tensorflow/tfjs-core';

const fmt = (shape: readonly number[]) => `[${shape.join(', ')}]`;

/**
 * Throws unless `x` is a float32 NHWC batch `[N, H, W, C]` with `channels` channels (when given).
 * Errors name the layer and show the expected and received shapes; a shape whose axis 1 holds
 * the expected channel count is flagged as probably NCHW. Reads shapes only: never syncs a GPU.
 */
export function checkImage(label: string, x: Tensor, channels?: number): void {
  const c = channels ?? 'C';
  const expected = `expected input [N, H, W, ${c}] (NHWC)`;
  if (x.rank !== 4) {
    const hint = x.rank === 3 ? ' — missing the batch axis? use expandDims(x, 0)' : '';
    throw new Error(`${label}: ${expected}, got ${fmt(x.shape)} (rank ${x.rank}, need 4)${hint}`);
  }
  if (channels !== undefined && x.shape[3] !== channels) {
    const hint = x.shape[1] === channels ? ' — looks like NCHW; use transpose(x, [0, 2, 3, 1])' : '';
    throw new Error(`${label}: ${expected}, got ${fmt(x.shape)}${hint}`);
  }
  checkFloat(label, x);
}

/** Throws unless `x` has rank >= `minRank` and its last axis is `features` long. */
export function checkFeatures(label: string, x: Tensor, features: number, minRank = 2): void {
  if (x.rank < minRank || x.shape[x.rank - 1] !== features) {
    const lead = minRank === 2 ? 'N, ' : '..., ';
    const hint = x.rank === 4 ? ' — an image batch? add Flatten() first' : '';
    throw new Error(`${label}: expected input [${lead}${features}], got ${fmt(x.shape)}${hint}`);
  }
  checkFloat(label, x);
}

/** Throws unless `x` is float32 (layers compute in float32; int tensors are a data bug). */
export function checkFloat(label: string, x: Tensor): void {
  if (x.dtype !== 'float32') {
    throw new Error(
      `${label}: expected a float32 input, got ${x.dtype} ${fmt(x.shape)} — cast(x, 'float32')`,
    );
  }
}

/** Throws unless the window fits the padded input (output size at least 1). */
export function checkWindow(
  label: string,
  inSize: [number, number],
  outSize: [number, number],
  window: string,
): void {
  if (outSize[0] < 1 || outSize[1] < 1) {
    throw new Error(
      `${label}: input spatial size ${inSize[0]}×${inSize[1]} is too small for ${window} (output would be ${outSize[0]}×${outSize[1]})`,
    );
  }
}
