import { Rng } from '@convkit/backend';
import { describeEachBackend, expectClose } from '@convkit/backend/testing';
import { dispose, mean, memory, tidy } from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { meanOver } from './reduce';

describeEachBackend('meanOver', () => {
  // Innermost runs, leading/middle blocks (batched product, batch 1 or many), mixed, the fallback, and
  // (last) blocks that wasm pools: 128 rows in 16 windows of 8, 64 rows per batch entry, 154 rows in 14 of 11.
  const cases: [number[], number[]][] = [
    [
      [4, 3, 5, 6],
      [0, 1, 2],
    ],
    [
      [4, 3, 5, 6],
      [1, 2],
    ],
    [
      [4, 3, 5, 6],
      [1, 2, 3],
    ],
    [[4, 3, 5, 6], [3]],
    [[4, 3, 5, 6], [0]],
    [
      [2, 7, 3, 4],
      [1, 3],
    ],
    [
      [4, 3, 5, 6],
      [0, 2],
    ],
    [[6, 5], [0]],
    [[6, 5], [-1]],
    // Blocks of ≥ 16 rows, which wasm averages by pooling (R1 partial means, then the product).
    [
      [2, 8, 8, 3],
      [0, 1, 2],
    ],
    [
      [3, 16, 4, 5],
      [1, 2],
    ],
    [
      [2, 7, 11, 4],
      [0, 1, 2],
    ],
  ];
  for (const [shape, axes] of cases) {
    it(`equals mean(x, [${axes}], keepDims) for [${shape}]`, async () => {
      const before = memory().numTensors;
      const x = new Rng(1).normalTensor(shape, 3, 2);
      const fast = tidy(() => meanOver(x, axes));
      const ref = mean(x, axes, true);
      expect(fast.shape).toEqual(ref.shape);
      await expectClose(fast, ref, { rtol: 1e-5, atol: 1e-6 });
      dispose([x, fast, ref]);
      expect(memory().numTensors).toBe(before);
    });
  }
});
