import { describe, expect, it } from 'vitest';
import type { LayerStats } from './activation-stats';
import { formatNumber, formatStatsTable } from './format-table';

const row = (index: number, name: string, std: number, gradStd = Number.NaN): LayerStats => ({
  index,
  name,
  className: 'Linear',
  shape: [256, 64],
  mean: 0.0123456,
  std,
  zeroFraction: 0.5,
  saturatedFraction: 0.01234,
  gradStd,
});

describe('formatStatsTable', () => {
  it('formats numbers in 3 significant digits, exponents outside [1e-3, 1e4)', () => {
    expect(
      [1.23456, 0.0123456, 12345, 1e-7, -2.5e30, 0, Number.NaN, Number.POSITIVE_INFINITY].map(formatNumber),
    ).toEqual(['1.23', '0.0123', '1.23e+4', '1.00e-7', '-2.50e+30', '0', 'NaN', 'Inf']);
  });

  it('prints one aligned row per layer, the gradient column only when some layer has one', () => {
    const table = formatStatsTable([row(0, '0', 1.5, 0.25), row(10, 'features.10', 3e-9, 1e-12)]);
    const lines = table.split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0].trim().split(/\s+/)).toEqual([
      '#',
      'layer',
      'class',
      'shape',
      'mean',
      'std',
      'zeros',
      'saturated',
      'grad',
      'std',
    ]);
    expect(lines[2].trim().split(/\s+/)).toEqual([
      '0',
      '0',
      'Linear',
      '[256,64]',
      '0.0123',
      '1.5',
      '50.0%',
      '1.2%',
      '0.25',
    ]);
    expect(lines[3].trim().split(/\s+/).slice(0, 2)).toEqual(['10', 'features.10']);
    expect(lines[3]).toContain('3.00e-9');
    // Right-aligned numbers: every row ends at the same column.
    expect(new Set(lines.map((l) => l.length)).size).toBe(1);
    expect(formatStatsTable([row(0, '', 1)])).not.toContain('grad std');
    expect(formatStatsTable([row(0, '', 1)])).toContain('(model)');
  });
});
