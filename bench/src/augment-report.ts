import {
  AUGMENT_BATCH,
  AUGMENT_INPUTS,
  AUGMENT_TARGET,
  augmentCase,
  type ChildResult,
  stepCase,
} from './cases';
import { cell, cellText, markdownTable } from './table';

const percent = (x: number) => `${(100 * x).toFixed(0)}%`;

/** augment / step of one input on one backend, or undefined unless both were timed. */
function share(results: readonly ChildResult[], backend: string, label: string): number | undefined {
  const a = cell(results, 'augment', backend, augmentCase(label)).timing;
  const s = cell(results, 'augment', backend, stepCase(label)).timing;
  return a && s ? a.medianMs / s.medianMs : undefined;
}

/** Per input and backend: the pipeline's time per batch, images/s, the train step, and their ratio. */
export function augmentTable(results: readonly ChildResult[], backends: readonly string[]): string {
  const header = ['input', 'backend', 'augment / batch', 'images/s', 'train step / batch', 'augment ÷ step'];
  const rows: string[][] = [];
  for (const { label } of AUGMENT_INPUTS) {
    for (const backend of backends) {
      const a = cell(results, 'augment', backend, augmentCase(label));
      const s = cell(results, 'augment', backend, stepCase(label));
      const perSecond = a.timing ? Math.round((1000 * AUGMENT_BATCH) / a.timing.medianMs).toString() : '–';
      const ratio = share(results, backend, label);
      rows.push([
        label,
        backend,
        cellText(a),
        perSecond,
        cellText(s),
        ratio === undefined ? '–' : percent(ratio),
      ]);
    }
  }
  return markdownTable(header, rows, 2);
}

/** Whether augmentation stays under AUGMENT_TARGET of the train step on wasm, input by input. */
export function augmentTarget(results: readonly ChildResult[]): string {
  const shares = AUGMENT_INPUTS.map(({ label }) => ({ label, share: share(results, 'wasm', label) }));
  const goal = `augmentation < ${percent(AUGMENT_TARGET)} of the train step on wasm`;
  if (shares.some((s) => s.share === undefined)) return `Target (${goal}): not measured.`;
  const holds = shares.every((s) => (s.share as number) < AUGMENT_TARGET);
  const each = shares.map((s) => `${s.label} ${percent(s.share as number)}`).join(', ');
  return `Target (${goal}): ${holds ? 'holds' : '**does not hold**'} (${each}).`;
}
