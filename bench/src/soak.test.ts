import { describeEachBackend } from '@convkit/backend/testing';
import { memory } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { isFlat, parseSoakArgs, type SoakResult, soakLoadStateDict, soakTraining, soakVerdict } from './soak';

// The soak loops at a size that runs in seconds (a leak of one tensor per step shows after two steps;
// sampling ten times over the run catches slower ones); the long version (10,000 steps, 1,000 loads, a
// small CNN) is `pnpm bench:soak`. Software WebGPU is slow per step, so it runs fewer steps.
describeEachBackend('soak: long loops keep the tensor count flat', (backend) => {
  const steps = backend === 'webgpu' ? 40 : 200;
  const every = steps / 10;

  it(`a ${steps}-step training loop (BatchNorm, dropout, SGD with momentum, finite check)`, async () => {
    const before = memory().numTensors;
    const r = await soakTraining({ steps, every, size: 'tiny' });
    expect(r.samples.map((s) => s.step)).toEqual([
      1,
      ...Array.from({ length: 10 }, (_, i) => (i + 1) * every),
    ]);
    const first = r.samples[0] as (typeof r.samples)[number];
    expect(r.samples.map((s) => s.numTensors)).toEqual(r.samples.map(() => first.numTensors));
    expect(r.samples.map((s) => s.numBytes)).toEqual(r.samples.map(() => first.numBytes));
    expect(r.flat).toBe(true);
    // It trained: the loss on the fixed batch fell.
    expect(r.lastLoss).toBeLessThan((r.firstLoss as number) / 2);
    expect(memory().numTensors).toBe(before);
  });

  it('1,000 loadStateDict calls (shared variables and fresh tensors, alternating)', async () => {
    const before = memory().numTensors;
    const r = await soakLoadStateDict({ loads: 1000, every: 100, size: 'tiny' });
    expect(r.samples.map((s) => s.step)).toEqual([1, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
    const first = r.samples[0] as (typeof r.samples)[number];
    expect(r.samples.map((s) => s.numTensors)).toEqual(r.samples.map(() => first.numTensors));
    expect(r.flat).toBe(true);
    expect(memory().numTensors).toBe(before);
  });
});

describe('soak helpers', () => {
  const at = (step: number, numTensors: number, numBytes = 100) => ({ step, numTensors, numBytes });

  it('isFlat catches one more tensor or more bytes at any sample, and no samples at all', () => {
    expect(isFlat([at(1, 5), at(2, 5), at(3, 5)])).toBe(true);
    expect(isFlat([at(1, 5), at(2, 5), at(3, 6)])).toBe(false);
    expect(isFlat([at(1, 5), at(2, 5, 104), at(3, 5)])).toBe(false);
    expect(isFlat([])).toBe(false);
  });

  it('the verdict fails a run that grew or did not learn, and says why', () => {
    const o = { backend: 'cpu', steps: 2, loads: 2, size: 'tiny' as const };
    const run = (flat: boolean, firstLoss?: number, lastLoss?: number): SoakResult => ({
      samples: [at(1, 5), at(2, flat ? 5 : 7)],
      flat,
      firstLoss,
      lastLoss,
      seconds: 1,
    });
    const ok = soakVerdict(o, run(true, 1, 0.1), run(true));
    expect(ok.pass).toBe(true);
    expect(ok.line).toMatch(/^soak PASS on cpu \(tiny\): 2 training steps 5 → 5 tensors/);
    const grew = soakVerdict(o, run(true, 1, 0.1), run(false));
    expect(grew.pass).toBe(false);
    expect(grew.line).toMatch(/^soak FAIL .*loadStateDict calls 5 → 7 tensors.*\(grew\)/);
    const stuck = soakVerdict(o, run(true, 1, 1), run(true));
    expect(stuck.pass).toBe(false);
    expect(stuck.line).toContain('(did not fall)');
  });

  it('parses the command line: defaults, --help, and clear errors', () => {
    expect(parseSoakArgs([])).toEqual({
      options: { backend: 'wasm', steps: 10_000, loads: 1000, size: 'cnn' },
    });
    expect(parseSoakArgs(['--backend', 'cpu', '--steps', '50', '--size', 'tiny'])).toEqual({
      options: { backend: 'cpu', steps: 50, loads: 1000, size: 'tiny' },
    });
    expect(parseSoakArgs(['--help'])).toHaveProperty('help', expect.stringContaining('pnpm bench:soak'));
    expect(parseSoakArgs(['--steps', '1.5'])).toHaveProperty(
      'error',
      expect.stringContaining("--steps must be a positive integer, got '1.5'"),
    );
    expect(parseSoakArgs(['--size', 'huge'])).toHaveProperty(
      'error',
      expect.stringContaining("--size must be cnn or tiny, got 'huge'"),
    );
    expect(parseSoakArgs(['--nope'])).toHaveProperty('error', expect.stringContaining('--nope'));
  });
});
