import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type ChildResult, modelCase } from './cases';
import { measureRounds } from './measure';
import { modelTable } from './model-report';
import { PYTHON, TorchWorker } from './torch-worker';

const timing = (medianMs: number) => ({
  medianMs,
  minMs: medianMs,
  maxMs: medianMs,
  runs: 3,
  warmedUp: true,
});

describe('model inference table', () => {
  it('gives images/s on both sides and the median of the per-round ratios', () => {
    const wasm: ChildResult = {
      job: 'models',
      backend: 'wasm',
      cases: [
        {
          name: modelCase('resnet18_cifar'),
          timing: timing(80),
          reference: { timing: timing(100), ratios: [0.9, 0.7, 0.8] },
        },
        {
          name: modelCase('resnet50'),
          timing: timing(4000),
          reference: { skipped: 'no PyTorch (no /usr/bin/python3)' },
        },
      ],
    };
    const cpu: ChildResult = {
      job: 'models',
      backend: 'cpu',
      cases: [{ name: modelCase('vgg11'), skipped: 'too slow: cpu is plain JS, minutes per batch' }],
    };
    const rows = modelTable([wasm, cpu], ['cpu', 'wasm'])
      .split('\n')
      .map((x) => x.split('|').map((c) => c.trim()));
    expect(rows).toContainEqual([
      '',
      'resnet18_cifar',
      '[8, 32, 32, 3]',
      'wasm',
      '80.0 ms',
      '100.0',
      '100 ms',
      '80.0',
      '0.80 (0.90, 0.70, 0.80)',
      '',
    ]);
    expect(rows).toContainEqual([
      '',
      'resnet50',
      '[8, 224, 224, 3]',
      'wasm',
      '4.00 s',
      '2.0',
      'skipped: no PyTorch (no /usr/bin/python3)',
      '–',
      '–',
      '',
    ]);
    expect(rows.find((r) => r[1] === 'vgg11' && r[3] === 'cpu')?.[4]).toBe(
      'skipped (too slow: cpu is plain JS, minutes per batch)',
    );
  });
});

describe('measureRounds', () => {
  it('interleaves ours and the reference, one ratio per round', async () => {
    const calls: string[] = [];
    const result = await measureRounds(
      async () => {
        calls.push('ours');
      },
      async (runs) => {
        calls.push(`ref×${runs}`);
        return Array.from({ length: runs }, () => 1e6);
      },
      { rounds: 2 },
    );
    expect(calls).toEqual(['ours', 'ours', 'ours', 'ours', 'ref×3', 'ours', 'ours', 'ours', 'ref×3']);
    expect(result.ratios).toHaveLength(2);
    expect(result.reference).toMatchObject({ medianMs: 1e6, runs: 6 });
    expect(result.timing.runs).toBe(6);
    expect(result.ratios.every((r) => r < 1e-3)).toBe(true);
  });
});

// Whether Debian's PyTorch is here (CI has none): decides which of the two worker tests runs.
const hasTorch =
  existsSync(PYTHON) &&
  spawnSync(PYTHON, ['-c', 'import torch, torchvision'], { stdio: 'ignore' }).status === 0;

describe('TorchWorker', () => {
  it('says "no PyTorch" without a Python', async () => {
    expect(await TorchWorker.start('/nonexistent/python3')).toBe('no PyTorch (no /nonexistent/python3)');
  });

  it.skipIf(hasTorch)('says "no PyTorch" with the reason when /usr/bin/python3 lacks torch', async () => {
    expect(await TorchWorker.start()).toMatch(/^no PyTorch \(/);
  });

  it.skipIf(!hasTorch)(
    'times a torchvision model in PyTorch (skipped: no PyTorch in /usr/bin/python3)',
    async () => {
      const worker = await TorchWorker.start();
      if (typeof worker === 'string') throw new Error(worker);
      try {
        expect(worker.description).toMatch(/^PyTorch \d/);
        const ms = await worker.time('resnet18_cifar', 1, 2, 0);
        expect(ms).toHaveLength(2);
        expect(ms.every((t) => t > 0)).toBe(true);
      } finally {
        worker.close();
      }
    },
  );
});
