import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '@convkit/backend';
import { testBackends } from '@convkit/backend/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { toyDataset, writeImageFolder } from '../test-helpers';
import { fitTrial } from './fit-trial';
import { randomSearch } from './random-search';
import { InProcessRunner, type Trial, type TrialOutcome, type TrialSpec } from './runner';
import { logUniform } from './space';
import { WorkerPoolRunner } from './worker-pool';

const fixture = new URL('../../fixtures/pool-trial.mjs', import.meta.url);
// The workers run the built package (dist/pool-worker.js): `pnpm test` builds first; CI must not skip.
const built = existsSync(new URL('../../dist/pool-worker.js', import.meta.url));
const spec = (id: number, params: TrialSpec['params']): TrialSpec => ({
  id,
  stage: 'coarse',
  params,
  seed: id,
  epochs: 1,
});

async function collect(it: AsyncIterable<TrialOutcome>): Promise<TrialOutcome[]> {
  const out: TrialOutcome[] = [];
  for await (const o of it) out.push(o);
  return out.sort((a, b) => a.id - b.id);
}

describe.skipIf(!built && process.env.CI === undefined)(
  'WorkerPoolRunner (needs the build: run pnpm build, or pnpm test, first)',
  () => {
    const runners: WorkerPoolRunner[] = [];
    const pool = (options: ConstructorParameters<typeof WorkerPoolRunner>[0]) => {
      const r = new WorkerPoolRunner({ module: fixture, exportName: 'trial', ...options });
      runners.push(r);
      return r;
    };
    afterAll(async () => {
      for (const r of runners) await r.close();
    });

    it('runs trials in 2 worker threads, each with its own backend, with the in-process results', async () => {
      const space = { lr: logUniform(1e-3, 1) };
      const options = {
        trials: 6,
        epochs: 2,
        fine: { trials: 2 },
        seed: 5,
        trialSeeds: 'per-trial' as const,
      };
      const runner = pool({ workers: 2, backend: { backend: 'cpu', strict: true } });
      const parallel = await randomSearch(space, runner, options);
      await initBackend({ backend: 'cpu', strict: true });
      const { trial } = (await import(fixture.href)) as { trial: Trial };
      const serial = await randomSearch(space, new InProcessRunner(trial), options);
      const strip = (r: typeof serial) => r.trials.map(({ seconds, worker, metrics, ...t }) => t);
      expect(strip(parallel)).toEqual(strip(serial));
      const threads = new Set(parallel.trials.map((t) => t.metrics?.threadId));
      expect(threads.size).toBe(2);
      expect(threads.has(0)).toBe(false); // not the main thread
      expect(new Set(parallel.trials.map((t) => t.worker)).size).toBe(2);
      expect([...runner.backends.values()]).toEqual(['backend: cpu', 'backend: cpu']);
      // Each worker frees every trial's tensors: the count after a trial is the same for all of them.
      expect(new Set(parallel.trials.map((t) => t.metrics?.tensors)).size).toBe(1);
    });

    it('records a throwing trial as an outcome with its error, and the others complete', async () => {
      const runner = pool({ workers: 2, backend: { backend: 'cpu' } });
      const outcomes = await collect(
        runner.run([spec(0, { lr: 0.1 }), spec(1, { lr: 0.1, fail: true }), spec(2, { lr: 0.01 })]),
      );
      expect(outcomes.map((o) => o.id)).toEqual([0, 1, 2]);
      expect(outcomes[1]?.error).toBe('trial 1 failed on purpose');
      expect(outcomes[0]?.result?.valAccuracy).toBe(1);
      expect(outcomes[2]?.result?.valAccuracy).toBeCloseTo(0.9, 12);
    });

    it('rejects when the trial module has no such export, naming the ones it has', async () => {
      const runner = pool({ workers: 1, exportName: 'trail', backend: { backend: 'cpu' } });
      await expect(collect(runner.run([spec(0, { lr: 0.1 })]))).rejects.toThrow(
        /WorkerPoolRunner: worker \d+: .*pool-trial\.mjs has no function export 'trail' \(functions exported: trial\)/,
      );
    });

    it.skipIf(!testBackends().includes('wasm'))(
      'gives each of P wasm workers max(1, ⌊cores / P⌋) threads by default',
      async () => {
        const runner = pool({ workers: 2, backend: { backend: 'wasm', strict: true } });
        const threads = Math.max(1, Math.floor(os.availableParallelism() / 2));
        expect(runner.backend.wasmThreads).toBe(threads);
        const outcomes = await collect(runner.run([spec(0, { lr: 0.1 }), spec(1, { lr: 0.2 })]));
        expect(outcomes.every((o) => o.error === undefined)).toBe(true);
        expect(outcomes[0]?.result?.history).toEqual({ backend: 'wasm' });
        const expected = threads === 1 ? 'threads off: wasmThreads: 1' : `${threads} threads`;
        for (const b of runner.backends.values()) expect(b).toBe(`backend: wasm (SIMD on, ${expected})`);
      },
    );

    it("runs fitTrial, the default module's trial, with trialOptions sent to each worker", async () => {
      const dir = mkdtempSync(join(tmpdir(), 'convkit-pool-'));
      try {
        writeImageFolder(dir, { train: toyDataset(32, 0), val: toyDataset(16, 1) });
        const trialOptions = {
          model: 'mnist_cnn',
          data: { data: dir, imageSize: 28, channels: 1 },
          batchSize: 16,
          maxSteps: 2,
          history: 'none',
        } as const;
        // wasm where it is tested (much faster than cpu's plain JavaScript convolutions); 1 or 2 threads give the same numbers.
        const backend = testBackends().includes('wasm') ? 'wasm' : 'cpu';
        const runner = new WorkerPoolRunner({ workers: 2, backend: { backend, strict: true }, trialOptions });
        runners.push(runner);
        const specs = [spec(0, { lr: 1e-2 }), spec(1, { lr: 1e-3, optimizer: 'SGD', momentum: 0.9 })];
        const pooled = await collect(runner.run(specs));
        await initBackend({ backend, strict: true });
        const here = await collect(new InProcessRunner(fitTrial(trialOptions)).run(specs));
        expect(pooled.map((o) => o.error)).toEqual([undefined, undefined]);
        expect(pooled.map((o) => o.result?.valLoss)).toEqual(here.map((o) => o.result?.valLoss));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('drops the trials not yet run when aborted', async () => {
      const runner = pool({ workers: 1, backend: { backend: 'cpu' } });
      const controller = new AbortController();
      const seen: number[] = [];
      for await (const o of runner.run(
        Array.from({ length: 6 }, (_, i) => spec(i, { lr: 0.1 })),
        { signal: controller.signal },
      )) {
        seen.push(o.id);
        controller.abort();
      }
      expect(seen).toEqual([0]);
    });
  },
);

describe('WorkerPoolRunner options', () => {
  it('refuses a worker count that is not a positive integer', () => {
    expect(() => new WorkerPoolRunner({ module: fixture, workers: 0 })).toThrow(
      'WorkerPoolRunner: workers must be an integer ≥ 1, got 0',
    );
  });

  it('needs trialOptions for the default trial (fitTrial)', () => {
    expect(() => new WorkerPoolRunner({ workers: 1 })).toThrow(
      'the default trial is fitTrial, which needs trialOptions',
    );
  });

  it('lets an explicit wasmThreads win over the per-worker default', () => {
    const r = new WorkerPoolRunner({ module: fixture, workers: 4, backend: { wasmThreads: 3 } });
    expect(r.backend.wasmThreads).toBe(3);
    expect(r.exportName).toBe('default');
    expect(r.module).toBe(fixture.href);
  });
});
