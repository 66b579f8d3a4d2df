import { BLOCK_CASES, BLOCK_INPUT, type ChildResult, NORM_CASES, NORM_INPUT } from './cases';
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
