// Helpers for this package's tests (not exported from the package).
import { initBackend } from '@convkit/backend';
import { memory, type Tensor } from '@tensorflow/tfjs-core';
import { beforeAll, expect } from 'vitest';

/** Runs the file's tests on the cpu backend (values are drawn in JS, so the backend does not change them). */
export function useCpu(): void {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu', strict: true });
  });
}

/** Sample mean and (population) standard deviation, accumulated in float64. */
export function moments(data: ArrayLike<number>): { mean: number; std: number; min: number; max: number } {
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < data.length; i++) {
    sum += data[i];
    if (data[i] < min) min = data[i];
    if (data[i] > max) max = data[i];
  }
  const mean = sum / data.length;
  let sq = 0;
  for (let i = 0; i < data.length; i++) sq += (data[i] - mean) ** 2;
  return { mean, std: Math.sqrt(sq / data.length), min, max };
}

/** Calls `make`, reads the tensor's data, disposes it and checks that no tensor leaked. */
export function draw(make: () => Tensor): { data: Float32Array; shape: number[]; dtype: string } {
  const before = memory().numTensors;
  const t = make();
  const out = { data: t.dataSync() as Float32Array, shape: t.shape, dtype: t.dtype };
  t.dispose();
  expect(memory().numTensors).toBe(before);
  return out;
}
