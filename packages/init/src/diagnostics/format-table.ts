import type { LayerStats } from './activation-stats';

/** A number in 3 significant digits, in exponent form outside [1e-3, 1e4). */
export function formatNumber(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Inf' : '-Inf';
  if (x === 0) return '0';
  const a = Math.abs(x);
  return a >= 1e-3 && a < 1e4 ? String(Number(x.toPrecision(3))) : x.toExponential(2);
}

function percent(x: number): string {
  return Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : 'NaN';
}

/**
 * A plain-text table of `activationStats` results (or a subset), one row per layer:
 * `# | layer | class | shape | mean | std | zeros | saturated | grad std` (the gradient column only
 * when some layer has one). Fractions print as percentages.
 *
 * @example
 * console.log(formatStatsTable(await activationStats(model, x)));
 */
export function formatStatsTable(stats: readonly LayerStats[]): string {
  const withGrad = stats.some((s) => !Number.isNaN(s.gradStd));
  const header = ['#', 'layer', 'class', 'shape', 'mean', 'std', 'zeros', 'saturated'];
  if (withGrad) header.push('grad std');
  const rows = stats.map((s) => {
    const row = [
      String(s.index),
      s.name === '' ? '(model)' : s.name,
      s.className,
      `[${s.shape.join(',')}]`,
      formatNumber(s.mean),
      formatNumber(s.std),
      percent(s.zeroFraction),
      percent(s.saturatedFraction),
    ];
    if (withGrad) row.push(formatNumber(s.gradStd));
    return row;
  });
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  // Columns 1-3 (names, class, shape) read left to right; numbers align on the right.
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => (c >= 1 && c <= 3 ? cell.padEnd(widths[c]) : cell.padStart(widths[c])))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(header), rule, ...rows.map(line)].join('\n');
}
