import { type ChildResult, composedCase, OPTIMIZER_CASES, OPTIMIZERS, optimizerCase } from './cases';
import { cell, cellText, markdownTable, ratioText } from './table';

/**
 * Per optimizer and case (train step, update on 6 and on 62 tensors): the median on each backend;
 * on `gpu` (webgpu) also the composed ops (`fused: false`), composed ÷ fused, and the GPU programs
 * one run launches with each.
 */
export function optimizerTable(
  results: readonly ChildResult[],
  backends: readonly string[],
  gpu = 'webgpu',
): string {
  const launches = (name: string) => {
    const n = results
      .find((r) => r.job === 'optimizers' && r.backend === gpu)
      ?.cases.find((c) => c.name === name)?.launches;
    return n === undefined ? '–' : String(n);
  };
  const withGpu = backends.includes(gpu);
  const header = [
    'optimizer',
    'case',
    ...backends.map((b) => (b === gpu ? `${b} (fused)` : b)),
    ...(withGpu ? [`${gpu} composed`, 'composed ÷ fused', 'launches, fused', 'launches, composed'] : []),
  ];
  const rows: string[][] = [];
  for (const label of Object.keys(OPTIMIZERS)) {
    for (const what of Object.values(OPTIMIZER_CASES)) {
      const name = optimizerCase(label, what);
      const row = [label, what, ...backends.map((b) => cellText(cell(results, 'optimizers', b, name)))];
      if (withGpu) {
        const fused = cell(results, 'optimizers', gpu, name);
        const composed = cell(results, 'optimizers', gpu, composedCase(name));
        row.push(
          cellText(composed),
          ratioText(composed, fused),
          launches(name),
          launches(composedCase(name)),
        );
      }
      rows.push(row);
    }
  }
  return markdownTable(header, rows, 2);
}
