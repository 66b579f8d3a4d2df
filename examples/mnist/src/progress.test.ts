import { describe, expect, it } from 'vitest';
import { Progress } from './progress';

function sink(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, stream: { isTTY, write: (s: string) => chunks.push(s) } };
}

describe('Progress', () => {
  it('redraws one line with \\r on a terminal', () => {
    const { chunks, stream } = sink(true);
    const bar = new Progress(stream, 4, 'epoch 1/2');
    bar.update(1, 'loss 2.3000');
    bar.update(2, '0.5s loss 1.9000');
    bar.finish('loss 1.5000');
    expect(chunks).toHaveLength(3);
    expect(chunks.every((c) => c.startsWith('\r'))).toBe(true);
    expect(chunks[1]).toBe(`\repoch 1/2 ${'█'.repeat(12)}${'░'.repeat(12)}  50% 2/4 0.5s loss 1.9000\x1b[K`);
    expect(chunks[2].endsWith('\n')).toBe(true);
  });

  it('prints a line per 10% of the work when not a terminal', () => {
    const { chunks, stream } = sink(false);
    const bar = new Progress(stream, 100, 'epoch 1/1');
    for (let i = 1; i < 100; i++) bar.update(i);
    bar.finish();
    expect(chunks).toHaveLength(10);
    expect(chunks.every((c) => c.endsWith('\n') && !c.includes('\r'))).toBe(true);
    expect(chunks[0]).toContain(' 10% 10/100');
    expect(chunks[9]).toContain('100% 100/100');
  });
});
