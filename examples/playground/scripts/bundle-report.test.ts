import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script of this folder, without types
import { END, formatSection, replaceSection, START } from './bundle-report.mjs';

const row = (app: string, backend: string, wasm: boolean) => ({
  app,
  backend,
  js: { files: 2, raw: 4096, gzip: 1024 },
  wasm: wasm ? { file: 'tfjs-backend-wasm-simd.wasm', raw: 8192, gzip: 2048 } : null,
  note: 'a | b',
});

describe('the page-weight section of bench/RESULTS.md', () => {
  const section: string = formatSection({
    rows: [row('convkit', 'webgpu', false), row('convkit', 'wasm', true)],
    machine: 'test machine',
    date: '2026-12-03',
  });

  it('has one row per app and backend, the total = JS + wasm', () => {
    const lines = section.split('\n').filter((l) => l.startsWith('| convkit'));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('| 1.0 KB | – | 1.0 KB |');
    expect(lines[1]).toContain('| 1.0 KB | 2.0 KB (tfjs-backend-wasm-simd.wasm) | 3.0 KB |');
  });

  it('replaces its old section in place, or appends itself once', () => {
    const once = replaceSection('# results\n\nhand-written', section);
    expect(once).toBe(`# results\n\nhand-written\n\n${section}\n`);
    const again = replaceSection(`${once}after\n`, section.replace('test machine', 'other'));
    expect(again.split(START)).toHaveLength(2);
    expect(again).toContain('other');
    expect(again.endsWith(`${END}\nafter\n`)).toBe(true);
  });

  it('bench/RESULTS.md holds the measured section: the page, convkit and tfjs on webgpu and wasm', () => {
    const results = readFileSync(new URL('../../../bench/RESULTS.md', import.meta.url), 'utf8');
    const body = results.slice(results.indexOf(START), results.indexOf(END));
    for (const app of ['playground page', 'convkit:', 'tfjs-layers:'])
      for (const backend of ['webgpu', 'wasm'])
        expect(body, `${app} ${backend}`).toMatch(
          new RegExp(`\\| ${app}[^\\n]*\\| ${backend} \\| \\d+ \\| [\\d.]+ KB`),
        );
  });
});
