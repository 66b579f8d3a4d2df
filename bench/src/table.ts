import type { ChildResult, Job } from './cases';
import type { Timing } from './measure';

/** `12.3 ms`, `1.52 s`; a dagger marks a single cold run (too slow for warm-up). */
export function formatTiming(t: Timing): string {
  const ms = t.medianMs;
  const text = ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms >= 100 ? ms.toFixed(0) : ms.toFixed(1)} ms`;
  return t.warmedUp ? text : `${text} †`;
}

/** One case of one (job, backend): its timing, why it failed, or why it was not run. */
export type Cell = {
  timing?: Timing;
  error?: string;
  skipped?: string;
  reference?: ChildResult['cases'][number]['reference'];
};

export function cell(results: readonly ChildResult[], job: Job, backend: string, name: string): Cell {
  const r = results.find((x) => x.job === job && x.backend === backend);
  if (r === undefined) return { skipped: 'not run' };
  if (r.error !== undefined) return { error: r.error };
  return r.cases.find((c) => c.name === name) ?? { skipped: 'not run' };
}

export function cellText(c: Cell): string {
  if (c.timing) return formatTiming(c.timing);
  if (c.skipped === 'not run') return '– (not run)';
  if (c.skipped) return `skipped (${c.skipped})`;
  const e = c.error ?? '';
  const missing = /[Kk]ernel '(\w+)' not registered/.exec(e);
  return missing ? `unsupported (no ${missing[1]} kernel)` : `error: ${e.slice(0, 80).replace(/\|/g, '/')}`;
}

/** a / b of two cells' medians to 2 decimals, '–' unless both were timed. */
export function ratioText(a: Cell, b: Cell): string {
  return a.timing && b.timing ? (a.timing.medianMs / b.timing.medianMs).toFixed(2) : '–';
}

/** A padded markdown table (the layout Biome's formatter writes); columns from `rightFrom` on align right. */
export function markdownTable(header: string[], rows: string[][], rightFrom: number): string {
  const widths = header.map((h, c) => Math.max(h.length, 3, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) =>
    `| ${cells.map((x, c) => (c >= rightFrom ? x.padStart(widths[c]) : x.padEnd(widths[c]))).join(' | ')} |`;
  const rule = widths.map((w, c) => (c >= rightFrom ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w)));
  return [line(header), `| ${rule.join(' | ')} |`, ...rows.map(line)].join('\n');
}
