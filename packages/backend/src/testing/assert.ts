import type { Tensor } from '@tensorflow/tfjs-core';

/** Tolerances of {@link expectClose}: `|a - e| <= atol + rtol·|e|` elementwise. */
export interface Tolerance {
  /** Default 1e-5. */
  rtol?: number;
  /** Default 1e-6. */
  atol?: number;
}

/**
 * Rejects unless `actual` has `expected`'s shape (when both are tensors) and length, and every element
 * satisfies `|a - e| <= atol + rtol·|e|`; the message names the worst element. NaN never matches.
 * Reads tensors with `data()` (webgpu in Node cannot `dataSync`); plain arrays are compared as they are
 * (`{ rtol: 0, atol: tol }` is a max-abs-difference bound).
 *
 * @example
 * await expectClose(layer.call(x), golden.y, { rtol: 1e-4 }, 'Conv2d forward');
 */
export async function expectClose(
  actual: Tensor | ArrayLike<number>,
  expected: Tensor | ArrayLike<number>,
  tolerance: Tolerance = {},
  what = 'tensor',
): Promise<void> {
  const rtol = tolerance.rtol ?? 1e-5;
  const atol = tolerance.atol ?? 1e-6;
  if (isTensor(actual) && isTensor(expected)) {
    const same = actual.rank === expected.rank && actual.shape.every((d, i) => d === expected.shape[i]);
    if (!same) throw new Error(`${what}: shape [${actual.shape}] != expected [${expected.shape}]`);
  }
  const a = isTensor(actual) ? await actual.data() : actual;
  const e = isTensor(expected) ? await expected.data() : expected;
  if (a.length !== e.length) throw new Error(`${what}: ${a.length} elements != expected ${e.length}`);
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < a.length; i++) {
    const diff = Math.abs(a[i] - e[i]);
    const excess = diff - (atol + rtol * Math.abs(e[i]));
    if (!(excess <= 0) && (worst < 0 || !(excess <= worstExcess))) {
      worst = i;
      worstExcess = excess;
    }
  }
  if (worst >= 0) {
    throw new Error(
      `${what}: element ${worst} is ${a[worst]}, expected ${e[worst]} (|diff| ${Math.abs(a[worst] - e[worst]).toExponential(2)} > atol ${atol} + rtol ${rtol}·|e|)`,
    );
  }
}

function isTensor(t: Tensor | ArrayLike<number>): t is Tensor {
  return !Array.isArray(t) && typeof (t as Tensor).dataId === 'object' && 'shape' in t;
}

/** Largest `|a - e|` over all elements (Infinity on NaN). */
export function maxAbsDiff(a: ArrayLike<number>, e: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - e[i]);
    m = Number.isNaN(d) ? Number.POSITIVE_INFINITY : Math.max(m, d);
  }
  return m;
}
