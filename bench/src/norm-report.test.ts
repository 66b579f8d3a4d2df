import { describe, expect, it } from 'vitest';
import { BLOCK_CASES, type ChildResult, composedCase, NORM_CASES } from './cases';
import { blockTable, fusedTable, normTable } from './norm-report';

const timing = (medianMs: number) => ({
  medianMs,
  minMs: medianMs,
  maxMs: medianMs,
  runs: 3,
  warmedUp: true,
});
const rows = (table: string) => table.split('\n').map((r) => r.split('|').map((c) => c.trim()));

const results: ChildResult[] = [
  {
    job: 'norms',
    backend: 'cpu',
    cases: [...Object.values(NORM_CASES), ...Object.values(BLOCK_CASES)].map((name) => ({
      name,
      skipped: 'too slow',
    })),
  },
  {
    job: 'norms',
    backend: 'wasm',
    cases: [
      { name: NORM_CASES.conv, timing: timing(800) },
      { name: NORM_CASES.batch, timing: timing(100) },
      { name: NORM_CASES.group, error: 'out of memory' },
      { name: BLOCK_CASES.none, timing: timing(400) },
      { name: BLOCK_CASES.batch, timing: timing(500) },
    ],
  },
];

describe('norm tables', () => {
  it('puts backends side by side with norm / conv', () => {
    const r = rows(normTable(results, ['cpu', 'wasm']));
    expect(r[0].slice(1, 6)).toEqual([
      'layer, fwd+bwd on [32, 32, 32, 64]',
      'cpu',
      'cpu ÷ conv',
      'wasm',
      'wasm ÷ conv',
    ]);
    expect(r).toContainEqual(['', 'Conv2d 3×3 64→64', 'skipped (too slow)', '–', '800 ms', '1.00', '']);
    expect(r).toContainEqual(['', 'BatchNorm2d', 'skipped (too slow)', '–', '100 ms', '0.13', '']);
    expect(r).toContainEqual([
      '',
      'GroupNorm(32)',
      'skipped (too slow)',
      '–',
      'error: out of memory',
      '–',
      '',
    ]);
    expect(r.find((x) => x[1] === 'LayerNorm2d')?.[4]).toBe('– (not run)');
  });

  it('gives each block relative to the block without norm', () => {
    const r = rows(blockTable(results, ['wasm', 'webgpu']));
    expect(r[0][1]).toBe('fwd+bwd on [8, 32, 32, 64]');
    expect(r).toContainEqual(['', 'ResNet block, BatchNorm2d', '500 ms', '1.25', '– (not run)', '–', '']);
    expect(r.map((x) => x[1]).slice(2)).toEqual(Object.values(BLOCK_CASES));
  });

  it('sets the fused kernels against the composed ops, with their launches', () => {
    const webgpu: ChildResult = {
      job: 'norms',
      backend: 'webgpu',
      cases: [
        { name: NORM_CASES.batch, timing: timing(4), launches: 9 },
        { name: composedCase(NORM_CASES.batch), timing: timing(12), launches: 42 },
        { name: BLOCK_CASES.group, timing: timing(10), launches: 30 },
      ],
    };
    const r = rows(fusedTable([...results, webgpu]));
    expect(r[0].slice(1, 7)).toEqual([
      'fwd+bwd on webgpu',
      'fused',
      'composed ops',
      'composed ÷ fused',
      'launches, fused',
      'launches, composed',
    ]);
    expect(r).toContainEqual(['', NORM_CASES.batch, '4.0 ms', '12.0 ms', '3.00', '9', '42', '']);
    expect(r).toContainEqual(['', BLOCK_CASES.group, '10.0 ms', '– (not run)', '–', '30', '–', '']);
    expect(r.map((x) => x[1]).slice(2)).toEqual([
      ...Object.values(NORM_CASES).slice(1),
      ...Object.values(BLOCK_CASES).slice(1),
    ]);
  });
});
