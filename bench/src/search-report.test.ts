import { describe, expect, it } from 'vitest';
import { END, replaceSearchSection, START, searchMarkdown } from './search-report';

const report = {
  machine: 'a CPU, 2 cores',
  command: 'pnpm bench:search',
  rounds: 2,
  notes: ['noisy'],
  results: [
    {
      workload: 'mnist_cnn: 4 trials',
      trials: 4,
      configs: [
        {
          config: { workers: 1, threads: 2 },
          startup: [2, 2],
          seconds: [20, 24],
          trialSeconds: [5, 5, 6, 6],
        },
        {
          config: { workers: 2, threads: 1 },
          startup: [3, 3],
          seconds: [10, 16],
          trialSeconds: [5, 5, 8, 8],
        },
      ],
    },
  ],
};

describe('search speed-up section', () => {
  it('has one row per configuration with medians, per-round speed-ups and their range', () => {
    const md = searchMarkdown(report);
    expect(md.startsWith(START)).toBe(true);
    expect(md.endsWith(END)).toBe(true);
    expect(md).toContain('| 1 worker × 2 threads | 2.0 | 22.0 | 10.9 | 5.5 | 1 (baseline) | 1 (baseline) |');
    // trials: 20/10 = 2, 24/16 = 1.5 → median 1.75; whole run: 22/13 = 1.69, 26/19 = 1.37 → 1.53.
    expect(md).toContain(
      '| 2 workers × 1 thread | 3.0 | 13.0 | 18.5 | 6.5 | 1.75× (1.50–2.00) | 1.53× (1.37–1.69) |',
    );
    expect(md).toContain('- noisy');
  });

  it('replaces its own section and appends it when absent', () => {
    const md = searchMarkdown(report);
    expect(replaceSearchSection('# Results\n', md)).toBe(`# Results\n\n${md}\n`);
    const twice = replaceSearchSection(`a\n${START}\nold\n${END}\nb\n`, md);
    expect(twice).toBe(`a\n${md}\nb\n`);
  });
});
