import { describe, expect, it } from 'vitest';
import { CASES, type ChildResult } from './cases';
import { machineInfo, resultsMarkdown, resultsTable } from './report';
import { formatTiming } from './table';

const timing = (medianMs: number, warmedUp = true) => ({
  medianMs,
  minMs: medianMs,
  maxMs: medianMs,
  runs: 3,
  warmedUp,
});

const results: ChildResult[] = [
  {
    job: 'convkit',
    backend: 'wasm',
    detail: 'backend: wasm (SIMD on)',
    cases: [
      { name: CASES.convForward, timing: timing(2) },
      { name: CASES.trainStep, timing: timing(80) },
    ],
  },
  {
    job: 'tfjs-layers',
    backend: 'wasm',
    cases: [
      { name: CASES.convForward, timing: timing(4) },
      { name: CASES.trainStep, error: "Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'" },
    ],
  },
  { job: 'convkit', backend: 'webgpu', error: 'no adapter', cases: [] },
];

describe('report', () => {
  it('formats times, marking single cold runs', () => {
    expect(formatTiming(timing(3.125))).toBe('3.1 ms');
    expect(formatTiming(timing(123.4))).toBe('123 ms');
    expect(formatTiming(timing(31_000, false))).toBe('31.00 s †');
  });

  it('tabulates medians, ratios and unsupported cases', () => {
    const table = resultsTable(results, ['wasm', 'webgpu']);
    const rows = table.split('\n').map((r) => r.split('|').map((c) => c.trim()));
    expect(rows[0].slice(1, 7)).toEqual([
      'case',
      'backend',
      'convkit',
      'tfjs-layers',
      'convkit / tfjs-layers',
      'tfjs-layers + convkit kernels',
    ]);
    expect(rows).toContainEqual([
      '',
      'conv2d forward',
      'wasm',
      '2.0 ms',
      '4.0 ms',
      '0.50',
      '– (not run)',
      '',
    ]);
    expect(rows).toContainEqual([
      '',
      'MNIST CNN train step',
      'wasm',
      '80.0 ms',
      'unsupported (no Conv2DBackpropFilter kernel)',
      '–',
      '– (not run)',
      '',
    ]);
    expect(rows.find((r) => r[1] === 'conv2d forward' && r[2] === 'webgpu')?.[3]).toBe('error: no adapter');
    // Padded: every line has the same length.
    expect(new Set(table.split('\n').map((r) => r.length)).size).toBe(1);
  });

  it('writes the machine and the notes', () => {
    const md = resultsMarkdown(results, ['wasm'], { ...machineInfo(0), load: [0, 0] });
    expect(md).toMatch(/^# convkit benchmarks\n\nMachine: .+, \d+ cores, Node v\d+/);
    expect(md).toContain('- convkit on wasm: backend: wasm (SIMD on)');
    expect(md).toContain('- convkit on webgpu: could not start: no adapter');
    expect(md).not.toContain('machine was busy');
    expect(md).not.toContain('software adapter');
    for (const section of ['convkit vs tfjs-layers', 'Norms', 'ResNet block', 'Augmentation', 'Notes']) {
      expect(md).toMatch(new RegExp(`^## ${section}`, 'm'));
    }
    expect(md).toContain('Target (augmentation < 20% of the train step on wasm): not measured.');
  });

  it('flags a software WebGPU adapter and a busy machine', () => {
    const gpu: ChildResult = {
      job: 'convkit',
      backend: 'webgpu',
      detail: 'backend: webgpu (mesa, llvmpipe)',
      cases: [],
    };
    const md = resultsMarkdown([gpu], ['webgpu'], { ...machineInfo(0), cores: 2, load: [9, 10] });
    expect(md).toContain('webgpu here is a software adapter');
    expect(md).toContain('The machine was busy (load 9.0 → 10.0 on 2 cores)');
  });
});
