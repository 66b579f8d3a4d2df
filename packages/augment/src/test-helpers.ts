// Shared by this package's tests only (not exported from index.ts).
import { readFileSync } from 'node:fs';
import { Rng } from '@convkit/backend';
import { type Tensor, type Tensor4D, tensor } from '@tensorflow/tfjs-core';

/** A reproducible float32 batch in [0, 1). */
export function randomImages(shape: [number, number, number, number], seed = 1): Tensor4D {
  const r = new Rng(seed);
  return tensor(
    r.fill(shape[0] * shape[1] * shape[2] * shape[3], () => r.uniform()),
    shape,
  ) as Tensor4D;
}

/** A batch whose value encodes its position: v = b·1000 + i·100 + j·1 + c·0.1 (exact in float32). */
export function indexImages(shape: [number, number, number, number]): Tensor4D {
  const [B, H, W, C] = shape;
  const v = new Float32Array(B * H * W * C);
  let k = 0;
  for (let b = 0; b < B; b++)
    for (let i = 0; i < H; i++)
      for (let j = 0; j < W; j++) for (let c = 0; c < C; c++) v[k++] = b * 1000 + i * 100 + j + c / 10;
  return tensor(v, shape) as Tensor4D;
}

/** Reads a tensor's values as a plain array (async: fine on webgpu). */
export async function values(t: Tensor): Promise<number[]> {
  return Array.from(await t.data());
}

/** Element (b, i, j, c) of an NHWC array. */
export function at(
  data: ArrayLike<number>,
  shape: readonly number[],
  b: number,
  i: number,
  j: number,
  c: number,
): number {
  const [, H, W, C] = shape;
  return data[((b * H + i) * W + j) * C + c];
}

/** A torchvision golden of an op with a factor per image: the factors and the expected output. */
export interface FactorGolden {
  factors: number[];
  y: number[];
}

export interface Golden {
  rgb: {
    shape: [number, number, number, number];
    x: number[];
    brightness: FactorGolden;
    contrast: FactorGolden;
    saturation: FactorGolden;
    hue: FactorGolden;
    sharpness: FactorGolden;
    grayscale: number[];
    autocontrast: number[];
    'solarize_0.5': number[];
  };
  gray: {
    shape: [number, number, number, number];
    x: number[];
    brightness: FactorGolden;
    contrast: FactorGolden;
  };
  rotate: { shape: [number, number, number, number]; x: number[]; angles: number[]; y: number[] };
  resized_crop: { boxes: [number, number, number, number][]; '6x5': number[]; '12x10': number[] };
  equalize: { shape: [number, number, number, number]; x: number[]; y: number[] };
}

let cached: Golden | undefined;

/** packages/augment/fixtures/golden.json (torchvision 0.14 functional API). */
export function golden(): Golden {
  cached ??= JSON.parse(readFileSync(new URL('../fixtures/golden.json', import.meta.url), 'utf8')) as Golden;
  return cached;
}
