import { type ChildResult, MODEL_INPUTS, modelCase } from './cases';
import { median } from './measure';
import { cell, cellText, formatTiming, markdownTable } from './table';

const perSecond = (batch: number, ms: number | undefined) =>
  ms === undefined ? '–' : ((1000 * batch) / ms).toFixed(ms > 1000 * batch ? 2 : 1);

/**
 * Per model and backend: convkit's time per batch and images/s, PyTorch's on the same machine, and
 * convkit / PyTorch — the median of the per-round ratios, with each round's.
 */
export function modelTable(results: readonly ChildResult[], backends: readonly string[]): string {
  const header = [
    'model',
    'input',
    'backend',
    'convkit / batch',
    'images/s',
    'PyTorch / batch',
    'images/s',
    'convkit ÷ PyTorch (per round)',
  ];
  const rows: string[][] = [];
  for (const { model, input } of MODEL_INPUTS) {
    for (const backend of backends) {
      const c = cell(results, 'models', backend, modelCase(model));
      const ref = c.reference;
      const refText = ref?.timing ? formatTiming(ref.timing) : ref?.skipped ? `skipped: ${ref.skipped}` : '–';
      const ratios = ref?.ratios ?? [];
      rows.push([
        model,
        `[${input.join(', ')}]`,
        backend,
        cellText(c),
        perSecond(input[0], c.timing?.medianMs),
        refText,
        perSecond(input[0], ref?.timing?.medianMs),
        ratios.length ? `${median(ratios).toFixed(2)} (${ratios.map((r) => r.toFixed(2)).join(', ')})` : '–',
      ]);
    }
  }
  return markdownTable(header, rows, 3);
}
