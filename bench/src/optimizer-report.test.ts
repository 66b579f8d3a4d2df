import { createOptimizerRegistry } from '@convkit/trainer';
import { describe, expect, it } from 'vitest';
import { type ChildResult, composedCase, OPTIMIZER_CASES, OPTIMIZERS, optimizerCase } from './cases';
import { resnet18QuarterShapes } from './optimizer-cases';
import { optimizerTable } from './optimizer-report';

const timing = (medianMs: number) => ({
  medianMs,
  minMs: medianMs,
  maxMs: medianMs,
  runs: 3,
  warmedUp: true,
});
const rows = (table: string) => table.split('\n').map((r) => r.split('|').map((c) => c.trim()));

describe('optimizer table', () => {
  it('puts backends side by side, and fused vs composed with launches on webgpu', () => {
    const adam = (what: string) => optimizerCase('Adam', what);
    const results: ChildResult[] = [
      {
        job: 'optimizers',
        backend: 'wasm',
        cases: [{ name: adam(OPTIMIZER_CASES.cnnUpdate), timing: timing(0.7) }],
      },
      {
        job: 'optimizers',
        backend: 'webgpu',
        cases: [
          { name: adam(OPTIMIZER_CASES.cnnUpdate), timing: timing(2), launches: 6 },
          { name: composedCase(adam(OPTIMIZER_CASES.cnnUpdate)), timing: timing(15), launches: 78 },
        ],
      },
    ];
    const r = rows(optimizerTable(results, ['wasm', 'webgpu']));
    expect(r[0].slice(1, -1)).toEqual([
      'optimizer',
      'case',
      'wasm',
      'webgpu (fused)',
      'webgpu composed',
      'composed ÷ fused',
      'launches, fused',
      'launches, composed',
    ]);
    expect(r).toContainEqual([
      '',
      'Adam',
      OPTIMIZER_CASES.cnnUpdate,
      '0.7 ms',
      '2.0 ms',
      '15.0 ms',
      '7.50',
      '6',
      '78',
      '',
    ]);
    expect(r).toContainEqual([
      '',
      'AdamW',
      OPTIMIZER_CASES.trainStep,
      '– (not run)',
      '– (not run)',
      '– (not run)',
      '–',
      '–',
      '–',
      '',
    ]);
  });

  it("names optimizers of @convkit/trainer's registry", () => {
    const known = createOptimizerRegistry().names();
    for (const { name } of Object.values(OPTIMIZERS)) expect(known).toContain(name);
  });

  it("ResNet-18 at 1/4 width: torchvision's 62 parameter tensors, 0.70 M values", () => {
    const shapes = resnet18QuarterShapes();
    expect(shapes.length).toBe(62);
    expect(shapes.reduce((n, s) => n + s.reduce((a, d) => a * d, 1), 0)).toBe(703386);
    expect(shapes.at(-1)).toEqual([10]);
  });
});
