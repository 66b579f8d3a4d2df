import { describe, expect, it } from 'vitest';
import { CASES, type ChildResult, NORM_CASES } from './cases';
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

  it('tabulates medians, ratios and unsupported cases, with a column for each library that ran', () => {
    const table = resultsTable(results, ['wasm', 'webgpu']);
    const rows = table.split('\n').map((r) => r.split('|').map((c) => c.trim()));
    expect(rows[0].slice(1, 6)).toEqual([
      'case',
      'backend',
      'convkit',
      'tfjs-layers',
      'convkit / tfjs-layers',
    ]);
    expect(rows).toContainEqual(['', 'conv2d forward', 'wasm', '2.0 ms', '4.0 ms', '0.50', '']);
    expect(rows).toContainEqual([
      '',
      'MNIST CNN train step',
      'wasm',
      '80.0 ms',
      'unsupported (no Conv2DBackpropFilter kernel)',
      '–',
      '',
    ]);
    expect(rows.find((r) => r[1] === 'conv2d forward' && r[2] === 'webgpu')?.[3]).toBe('error: no adapter');
    // No library ran the backward case on wasm: no row for it (webgpu's shows the job's error).
    expect(rows.find((r) => r[1] === CASES.convBackward && r[2] === 'wasm')).toBeUndefined();
    expect(rows.find((r) => r[1] === CASES.convBackward && r[2] === 'webgpu')?.[3]).toBe('error: no adapter');
    // Padded: every line has the same length.
    expect(new Set(table.split('\n').map((r) => r.length)).size).toBe(1);
    const kernels: ChildResult = { job: 'tfjs-layers+kernels', backend: 'wasm', cases: [] };
    expect(resultsTable([...results, kernels], ['wasm']).split('\n')[0]).toContain(
      'tfjs-layers + convkit kernels',
    );
  });

  it('writes the machine and the notes, and only the sections of the jobs that ran', () => {
    const md = resultsMarkdown(results, ['wasm'], { ...machineInfo(0), load: [0, 0] });
    expect(md).toMatch(/^# convkit benchmarks\n\nMachine: .+, \d+ cores, Node v\d+/);
    expect(md).toContain('- convkit on wasm: backend: wasm (SIMD on)');
    expect(md).toContain('- convkit on webgpu: could not start: no adapter');
    expect(md).not.toContain('machine was busy');
    expect(md).not.toContain('software adapter');
    expect(md).toMatch(/^## convkit vs tfjs-layers/m);
    expect(md).toMatch(/^## Notes/m);
    for (const section of ['Norms', 'ResNet block', 'Fused', 'Augmentation']) {
      expect(md).not.toMatch(new RegExp(`^## ${section}`, 'm'));
    }
    expect(md).not.toContain('- Norms: forward+backward');
  });

  it('a subset run (convkit on wasm) prints no "not run" cell', () => {
    const convkit: ChildResult = {
      job: 'convkit',
      backend: 'wasm',
      cases: Object.values(CASES).map((name) => ({ name, timing: timing(5) })),
    };
    const md = resultsMarkdown([convkit], ['wasm'], { ...machineInfo(0), load: [0, 0] });
    expect(md).not.toContain('not run');
    expect(md.match(/^\| .+ \| wasm +\| +5\.0 ms \|$/gm)).toHaveLength(3);
  });

  it('a norms-only run prints the norm tables and nothing of the other jobs', () => {
    const norms: ChildResult = {
      job: 'norms',
      backend: 'wasm',
      detail: 'backend: wasm (SIMD on)',
      cases: [{ name: NORM_CASES.conv, timing: timing(800) }],
    };
    const md = resultsMarkdown([norms], ['wasm'], { ...machineInfo(0), load: [0, 0] });
    expect(md).toContain('- norms on wasm: backend: wasm (SIMD on)');
    expect(md).toMatch(/^## Norms next to the conv before them/m);
    expect(md).toMatch(/^## ResNet block with each norm/m);
    for (const section of ['convkit vs tfjs-layers', 'Fused', 'Augmentation']) {
      expect(md).not.toMatch(new RegExp(`^## ${section}`, 'm'));
    }
    expect(md).not.toContain('convkit / tfjs-layers < 1');
    expect(md).not.toContain('Target (augmentation');
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
