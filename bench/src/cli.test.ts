import { describe, expect, it } from 'vitest';
import { JOBS } from './cases';
import { parseBenchArgs, USAGE } from './cli';

describe('pnpm bench command line', () => {
  it('--help and -h print the usage instead of failing', () => {
    expect(parseBenchArgs(['--help'])).toEqual({ help: USAGE });
    expect(parseBenchArgs(['-h'])).toEqual({ help: USAGE });
    for (const option of ['--backends', '--jobs', '--no-write', '--timeout-s', '--help']) {
      expect(USAGE).toContain(option);
    }
    for (const job of JOBS) expect(USAGE).toContain(job);
  });

  it('an unknown option, job or backend is an error with the usage', () => {
    for (const args of [['--nope'], ['--jobs', 'normz'], ['--backends', 'tpu'], ['--timeout-s', 'x']]) {
      const r = parseBenchArgs(args);
      expect('error' in r, args.join(' ')).toBe(true);
    }
    const r = parseBenchArgs(['--jobs', 'normz']) as { error: string };
    expect(r.error).toMatch(/^unknown job\(s\) normz; known: convkit, /);
    expect(r.error).toContain('Usage: pnpm bench');
  });

  it('the full run writes RESULTS.md; a subset or --no-write does not', () => {
    const full = parseBenchArgs([]) as { options: { write: boolean; subset: boolean; jobs: string[] } };
    expect(full.options).toMatchObject({ write: true, subset: false, jobs: [...JOBS] });
    const subset = parseBenchArgs(['--jobs', 'norms', '--backends', 'wasm']) as {
      options: { write: boolean; subset: boolean; backends: string[]; timeoutMs: number };
    };
    expect(subset.options).toMatchObject({
      write: false,
      subset: true,
      backends: ['wasm'],
      timeoutMs: 240_000,
    });
    expect(parseBenchArgs(['--no-write'])).toMatchObject({ options: { write: false } });
  });
});
