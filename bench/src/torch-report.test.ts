import { describe, expect, it } from 'vitest';
import { HAND_WRITTEN_MARKER, withHandWritten } from './report';
import { type ComparisonResults, comparisonMarkdown, END, replaceSection, START } from './torch-report';

const results: ComparisonResults = {
  machine: 'Machine: test',
  torch: 'PyTorch 1.13',
  params: [
    { name: 'ResNet-18 (CIFAR)', convkit: 11173962, torch: 11173962 },
    { name: 'small ResNet', convkit: 308826, torch: 308825 },
  ],
  cases: [
    {
      name: 'ResNet-18 (CIFAR), train step',
      threads: 2,
      rounds: [
        { convkit: 3000, torch: 1000 },
        { convkit: 2000, torch: 1000 },
      ],
    },
    { name: 'small ResNet, train step', threads: 1, rounds: [{ convkit: 90 }] },
  ],
  scaling: [{ name: 'ResNet-18 (CIFAR)', rounds: [1.8, 1.6, 1.7] }],
  heap: [
    { batch: 128, heapBytes: 2 ** 30 },
    { batch: 256, error: 'out of memory' },
  ],
  convs: [{ name: 'layer1 3×3 64→64', count: 4, macs: 1.2e9, forward: 100, inputGrad: 110, filterGrad: 150 }],
  convBatch: 32,
  notes: ['a note'],
};

describe('convkit vs PyTorch report', () => {
  const md = comparisonMarkdown(results);

  it('gives the ratio per round and its median, and says when PyTorch was skipped', () => {
    expect(md).toMatch(
      /\| ResNet-18 \(CIFAR\), train step \|\s+2 \|\s+2\.00 s–3\.00 s \|\s+1\.00 s \|\s+3\.00, 2\.00 \|\s+2\.50 \|/,
    );
    expect(md).toMatch(/small ResNet, train step\s+\|\s+1 \|\s+90 ms \| skipped: no PyTorch \|/);
    expect(md).toMatch(/ResNet-18 \(CIFAR\)\s+\|\s+1\.80, 1\.60, 1\.70 \|\s+1\.70 \|/);
  });

  it('checks parameter counts, heap per batch, and GMAC/s per conv', () => {
    expect(md).toMatch(/11,173,962 \|\s+11,173,962 \|\s+yes \|/);
    expect(md).toMatch(/308,826 \|\s+308,825 \|\s+\*\*NO\*\* \|/);
    expect(md).toMatch(/\| 128\s+\|\s+1\.00 GiB \|/);
    expect(md).toMatch(/\| 256\s+\|\s+out of memory \|/);
    expect(md).toMatch(
      /layer1 3×3 64→64 \(×4\) \|\s+100 ms \(12\.0\) \|\s+110 ms \(10\.9\) \|\s+150 ms \(8\.0\) \|\s+1\.10 \|\s+1\.50 \|/,
    );
  });

  it('replaces only its own section of RESULTS.md, which `pnpm bench` keeps', () => {
    expect(md.startsWith(START) && md.endsWith(END)).toBe(true);
    const file = `# convkit benchmarks\n\nother tables\n\n${HAND_WRITTEN_MARKER}\n\nnotes\n`;
    const once = replaceSection(file, md);
    expect(once).toContain('other tables');
    expect(once).toContain(md);
    expect(withHandWritten('# regenerated tables\n', once)).toContain(md);
    const twice = replaceSection(once, comparisonMarkdown({ ...results, machine: 'Machine: again' }));
    expect(twice.split(START).length).toBe(2);
    expect(twice).toContain('Machine: again');
    expect(twice).not.toContain('Machine: test');
  });
});
