import { memory } from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { initBackend } from '../init-backend';
import { describeEachBackend } from './backends';
import {
  type ConformanceCase,
  conformanceCases,
  evaluate,
  maxScaledError,
  trainingStep,
} from './conformance-cases';

export {
  type ConformanceCase,
  conformanceCases,
  evaluate as evaluateConformanceCase,
  maxScaledError,
  trainingStep as conformanceTrainingStep,
} from './conformance-cases';

export interface ConformanceOptions {
  /** Max |backend − cpu| / (1 + max |cpu|) per compared tensor. Default `1e-3`. */
  tolerance?: number;
  /** Extra cases to run after the built-in ones. */
  cases?: ConformanceCase[];
}

/** Runs `compute` on the cpu backend, then re-selects `backend`. */
async function onCpu<T>(backend: string, compute: () => Promise<T>): Promise<T> {
  await initBackend({ backend: 'cpu', strict: true });
  try {
    return await compute();
  } finally {
    await initBackend({ backend, strict: true });
  }
}

/**
 * Registers a vitest suite that checks, on every backend of `describeEachBackend` (cpu, wasm, webgpu
 * by default), that each kernel convkit adds, the gradients a conv net needs, and one full training
 * step (conv → relu → maxPool → dilated depthwise conv → avgPool → dense → softmax cross-entropy, loss,
 * every gradient, the SGD-updated parameters and the next loss) give the same numbers as the `cpu`
 * backend: max |backend − cpu| ≤ tolerance · (1 + max |cpu|) for every compared tensor, with tolerance
 * 1e-3 by default (float32 kernels sum in different orders; webgpu's transcendental functions are
 * approximations). Inputs come from a seeded `Rng`, so they are bit-identical on every backend.
 *
 * Options: `tolerance` (1e-3), `cases` (extra `ConformanceCase`s, none).
 *
 * @example
 * // packages/backend/src/testing/conformance.test.ts
 * runConformanceSuite();
 */
export function runConformanceSuite(options: ConformanceOptions = {}): void {
  const tolerance = options.tolerance ?? 1e-3;
  const cases = [...conformanceCases, ...(options.cases ?? [])];
  describeEachBackend('convkit conformance vs cpu', (backend) => {
    cases.forEach((c, k) => {
      it(c.name, async () => {
        const before = memory().numTensors;
        const got = await evaluate(c, k);
        expect(memory().numTensors).toBe(before);
        const want = await onCpu(backend, () => evaluate(c, k));
        expect(got.length).toBe(want.length);
        got.forEach((g, i) => {
          expect(g.length, `${c.name}: output ${i} size`).toBe((want[i] as Float32Array).length);
          expect(maxScaledError(g, want[i] as Float32Array), `${c.name}: output ${i}`).toBeLessThan(
            tolerance,
          );
        });
      });
    });

    it('a conv → pool → dense training step: loss, gradients, updated parameters, next loss', async () => {
      const before = memory().numTensors;
      const got = await trainingStep();
      expect(memory().numTensors).toBe(before);
      const want = await onCpu(backend, trainingStep);
      got.forEach((g, i) => {
        expect(maxScaledError(g, want[i] as Float32Array), `training step output ${i}`).toBeLessThan(
          tolerance,
        );
      });
      // The step lowered the loss (a sanity check that the gradients point downhill).
      expect((got.at(-1) as Float32Array)[0]).toBeLessThan((got[0] as Float32Array)[0] as number);
    });
  });
}
