import { memory, type Tensor } from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import { gradCheck } from './gradients/gradcheck';

/**
 * Test helper: `gradCheck(f, xs)` within `tol` (default 1e-2, relative to 1 + max |gradient|) and no
 * tensor left behind. For the cpu backend (synchronous reads).
 */
export function expectGradient(f: (...xs: Tensor[]) => Tensor, xs: Tensor[], tol = 1e-2): void {
  const before = memory().numTensors;
  const r = gradCheck(f, xs);
  expect(r.maxError, r.worst).toBeLessThan(tol);
  expect(memory().numTensors).toBe(before);
}
