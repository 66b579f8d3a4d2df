import { availableParallelism } from 'node:os';
import {
  backend as activeBackend,
  add,
  conv2d,
  dispose,
  mean,
  memory,
  relu,
  type Scalar,
  square,
  type Tensor,
  type Tensor4D,
  valueAndGrads,
} from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../init-backend';
import { Rng } from '../random';

interface XnnpackThreads {
  wasm: { tfjs: { initWithThreadsCount(n: number): void; getThreadsCount(): number } };
}

/** loss = mean((conv3×3 s2(h) + conv1×1 s2(h))²), h = relu(conv3×3(x)): convkit's conv gradients. */
function loss(...[x, w1, w2, w3]: Tensor[]): Scalar {
  const h = relu(conv2d(x as Tensor4D, w1 as Tensor4D, 1, 'same'));
  const y = conv2d(h, w2 as Tensor4D, 2, 'same');
  const s = conv2d(h, w3 as Tensor4D, 2, 'valid');
  return mean(square(add(y, s)));
}

describe('wasm threads in Node', () => {
  it.skipIf(availableParallelism() < 2)(
    'give the loss and gradients of one thread, within float32 rounding (needs 2 cores)',
    async () => {
      const report = await initBackend({ backend: 'wasm', strict: true });
      const threads = report.wasm?.threadsCount ?? 1;
      expect(threads).toBeGreaterThan(1);
      const xnn = (activeBackend() as unknown as XnnpackThreads).wasm.tfjs;
      const before = memory().numTensors;
      const rng = new Rng(7);
      const inputs = [
        rng.normalTensor([4, 16, 16, 32]),
        rng.normalTensor([3, 3, 32, 32], 0, 0.1),
        rng.normalTensor([3, 3, 32, 64], 0, 0.1),
        rng.normalTensor([1, 1, 32, 64], 0, 0.1),
      ];
      const results: Float32Array[][] = [];
      try {
        for (const n of [threads, 1]) {
          // A new XNNPACK thread pool with n threads (the previous one idles until exit).
          xnn.initWithThreadsCount(n);
          expect(xnn.getThreadsCount()).toBe(n);
          const { value, grads } = valueAndGrads(loss)(inputs);
          results.push((await Promise.all([value, ...grads].map((t) => t.data()))) as Float32Array[]);
          dispose([value, ...grads]);
        }
      } finally {
        xnn.initWithThreadsCount(threads);
        dispose(inputs);
      }
      expect(memory().numTensors).toBe(before);
      const [many, one] = results as [Float32Array[], Float32Array[]];
      one.forEach((expected, i) => {
        const got = many[i] as Float32Array;
        const scale = expected.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
        const worst = expected.reduce((m, v, j) => Math.max(m, Math.abs(v - (got[j] as number))), 0);
        expect(worst).toBeLessThanOrEqual(1e-6 * scale);
      });
    },
  );
});
