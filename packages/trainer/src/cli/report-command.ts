import { readFile } from 'node:fs/promises';
import type { ReportInput } from '../report/charts';
import { writeReport } from '../report/html';
import type { SearchResult } from '../search/random-search';
import type { Io } from './io';
import { UsageError } from './parse';

/**
 * The report's history for a recipe or search: the run of the best trial (its per-epoch curves and
 * last confusion matrix), with a note saying so; nothing when no trial kept its history.
 */
export function bestTrialHistory(search: SearchResult): Pick<ReportInput, 'history' | 'historyNote'> {
  const best = search.best === null ? undefined : search.trials[search.best];
  if (best?.history === undefined || best.history === null) return {};
  return {
    history: best.history as ReportInput['history'],
    historyNote: `The run of the best search trial (${best.id}, ${best.stage}).`,
  };
}

/** What a JSON file is, from its content: a history, search results, an LR finder's curve, or a recipe record. */
export function classifyJson(value: unknown, file: string): Partial<ReportInput> {
  const v = value as Record<string, unknown> | null;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new UsageError(`${file}: not a convkit JSON file (expected an object)`);
  }
  if (v.kind === 'convkit-search') return { search: v as unknown as ReportInput['search'] };
  if (v.kind === 'convkit-recipe') {
    // The recipe's record holds its parts: verdicts, the LR finder, the search, the history of its runs.
    const out: Partial<ReportInput> = {};
    for (const key of ['verdicts', 'lrFinder', 'search', 'history'] as const) {
      if (v[key] !== undefined && v[key] !== null) (out as Record<string, unknown>)[key] = v[key];
    }
    // As `convkit recipe` wrote it: the curves are the best search trial's run.
    if (out.history === undefined && out.search) Object.assign(out, bestTrialHistory(out.search));
    return out;
  }
  if (Array.isArray(v.epochs) && typeof v.meta === 'object') return { history: v as ReportInput['history'] };
  const curve = v.curve as Record<string, unknown> | undefined;
  if (Array.isArray(curve?.lr) && Array.isArray(curve?.loss)) {
    return { lrFinder: v as unknown as ReportInput['lrFinder'] };
  }
  throw new UsageError(
    `${file}: not a history (meta, epochs), search results (kind 'convkit-search'), LR finder (curve: lr, loss) or recipe record`,
  );
}

/** `convkit report FILES… -o report.html`: the JSON files of train / search / recipe into one HTML page. */
export async function reportCommand(
  files: string[],
  options: { out: string; title?: string },
  io: Io,
): Promise<void> {
  const input: ReportInput = {};
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      throw new UsageError(
        `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      );
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new UsageError(`${file}: not JSON (${(err as Error).message})`);
    }
    const part = classifyJson(json, file);
    for (const key of Object.keys(part) as (keyof ReportInput)[]) {
      if (input[key] !== undefined)
        throw new UsageError(`two files give the report's ${key}: pass one of each kind`);
      (input as Record<string, unknown>)[key] = part[key];
    }
  }
  if (options.title !== undefined) input.title = options.title;
  await writeReport(options.out, input);
  io.out(`report: ${options.out}`);
}
