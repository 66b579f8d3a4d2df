import { BLOCK_CASES, BLOCK_INPUT, type ChildResult, composedCase, NORM_CASES, NORM_INPUT } from './cases';
import { cell, cellText, markdownTable, ratioText } from './table';

/** Per backend: a column of medians and one of ratios to the row `base`. */
function sideBySide(
  results: readonly ChildResult[],
  backends: readonly string[],
  names: readonly string[],
  base: string,
  ratioLabel: string,
  firstColumn: string,
): string {
  const header = [firstColumn, ...backends.flatMap((b) => [b, `${b} ${ratioLabel}`])];
  const rows = names.map((name) => [
    name,
    ...backends.flatMap((b) => {
      const c = cell(results, 'norms', b, name);
      return [cellText(c), ratioText(c, cell(results, 'norms', b, base))];
    }),
  ]);
  return markdownTable(header, rows, 1);
}

/** Forward+backward of each norm on NORM_INPUT, and of the conv before it, with norm / conv per backend. */
export function normTable(results: readonly ChildResult[], backends: readonly string[]): string {
  return sideBySide(
    results,
    backends,
    Object.values(NORM_CASES),
    NORM_CASES.conv,
    '÷ conv',
    `layer, fwd+bwd on [${NORM_INPUT.join(', ')}]`,
  );
}

/** Forward+backward of the ResNet block with each norm, with block / no-norm block per backend. */
export function blockTable(results: readonly ChildResult[], backends: readonly string[]): string {
  return sideBySide(
    results,
    backends,
    Object.values(BLOCK_CASES),
    BLOCK_CASES.none,
    '÷ no norm',
    `fwd+bwd on [${BLOCK_INPUT.join(', ')}]`,
  );
}

/**
 * The fused normalization kernels against the composed ops on `backend` (webgpu), for each norm of
 * the norm table and each block with a norm: both medians, composed ÷ fused (> 1: fused is faster),
 * and the GPU programs one forward+backward launches with each.
 */
export function fusedTable(results: readonly ChildResult[], backend = 'webgpu'): string {
  const names = [
    ...Object.values(NORM_CASES).filter((n) => n !== NORM_CASES.conv),
    ...Object.values(BLOCK_CASES).filter((n) => n !== BLOCK_CASES.none),
  ];
  const launches = (name: string) => {
    const n = results
      .find((r) => r.job === 'norms' && r.backend === backend)
      ?.cases.find((c) => c.name === name)?.launches;
    return n === undefined ? '–' : String(n);
  };
  const rows = names.map((name) => {
    const [f, k] = [
      cell(results, 'norms', backend, name),
      cell(results, 'norms', backend, composedCase(name)),
    ];
    return [name, cellText(f), cellText(k), ratioText(k, f), launches(name), launches(composedCase(name))];
  });
  const header = [
    `fwd+bwd on ${backend}`,
    'fused',
    'composed ops',
    'composed ÷ fused',
    'launches, fused',
    'launches, composed',
  ];
  return markdownTable(header, rows, 1);
}
