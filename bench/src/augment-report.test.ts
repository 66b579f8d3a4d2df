import { describe, expect, it } from 'vitest';
import { augmentTable, augmentTarget } from './augment-report';
import { augmentCase, type ChildResult, stepCase } from './cases';

const timing = (medianMs: number) => ({
  medianMs,
  minMs: medianMs,
  maxMs: medianMs,
  runs: 3,
  warmedUp: true,
});
const wasm = (augment32: number, augment28: number): ChildResult => ({
  job: 'augment',
  backend: 'wasm',
  cases: [
    { name: augmentCase('32×32×3'), timing: timing(augment32) },
    { name: stepCase('32×32×3'), timing: timing(200) },
    { name: augmentCase('28×28×1'), timing: timing(augment28) },
    { name: stepCase('28×28×1'), timing: timing(100) },
  ],
});

describe('augment table', () => {
  it('gives images/s and the share of the train step', () => {
    const cpu: ChildResult = {
      job: 'augment',
      backend: 'cpu',
      cases: [
        { name: augmentCase('32×32×3'), timing: timing(1000) },
        { name: stepCase('32×32×3'), skipped: 'too slow' },
      ],
    };
    const r = augmentTable([cpu, wasm(20, 8)], ['cpu', 'wasm'])
      .split('\n')
      .map((x) => x.split('|').map((c) => c.trim()));
    expect(r).toContainEqual(['', '32×32×3', 'wasm', '20.0 ms', '12800', '200 ms', '10%', '']);
    expect(r).toContainEqual(['', '32×32×3', 'cpu', '1.00 s', '256', 'skipped (too slow)', '–', '']);
    expect(r).toContainEqual(['', '28×28×1', 'wasm', '8.0 ms', '32000', '100 ms', '8%', '']);
  });

  it('says whether augmentation stays under 20% of the step on wasm', () => {
    expect(augmentTarget([wasm(20, 8)])).toBe(
      'Target (augmentation < 20% of the train step on wasm): holds (32×32×3 10%, 28×28×1 8%).',
    );
    expect(augmentTarget([wasm(20, 30)])).toContain('**does not hold** (32×32×3 10%, 28×28×1 30%)');
    expect(augmentTarget([])).toContain('not measured');
  });
});
