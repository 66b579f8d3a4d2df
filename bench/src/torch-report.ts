import { median } from './measure';
import { markdownTable } from './table';

const table = (header: string[], rows: string[][]) => markdownTable(header, rows, 1);

/** One timed case of the comparison, per interleaved round: medians in ms, per side. */
export interface RoundTimes {
  convkit: number;
  torch?: number;
}

export interface ComparisonCase {
  name: string;
  threads: number;
  rounds: RoundTimes[];
}

export interface ConvRow {
  name: string;
  count: number;
  macs: number;
  forward: number;
  inputGrad: number;
  filterGrad: number;
}

export interface HeapRow {
  batch: number;
  heapBytes?: number;
  error?: string;
}

export interface ComparisonResults {
  machine: string;
  torch: string;
  params: { name: string; convkit: number; torch?: number }[];
  cases: ComparisonCase[];
  /** convkit train step, 1 thread ÷ 2 threads, per round. */
  scaling: { name: string; rounds: number[] }[];
  heap: HeapRow[];
  convs: ConvRow[];
  convBatch: number;
  notes: string[];
}

export const START = '<!-- convkit-vs-pytorch:start -->';
export const END = '<!-- convkit-vs-pytorch:end -->';

const ms = (v: number | undefined) =>
  v === undefined ? '–' : v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(v < 10 ? 1 : 0)} ms`;
const range = (vs: number[], f: (v: number) => string) => {
  if (vs.length === 0) return '–';
  const lo = Math.min(...vs);
  const hi = Math.max(...vs);
  return lo === hi ? f(lo) : `${f(lo)}–${f(hi)}`;
};
const x2 = (v: number) => v.toFixed(2);

/** The markdown section (between START and END) that torch.ts writes into RESULTS.md. */
export function comparisonMarkdown(r: ComparisonResults): string {
  const out: string[] = [START, '## convkit (wasm) next to PyTorch on the same CPU', '', r.machine, ''];
  out.push(
    `PyTorch: ${r.torch}. Same networks on both sides (bench/src/resnets.ts, bench/torch/resnet_server.py),`,
    'batch 32 of 32×32×3, float32; a train step is forward, cross-entropy, backward and SGD with momentum.',
    'Each round times convkit then PyTorch back to back (median of the runs of that round); the ratio is',
    'per round, so a neighbour process slows both sides of a round alike.',
    '',
  );
  const paramRows = r.params.map((p) => [
    p.name,
    p.convkit.toLocaleString('en-US'),
    p.torch === undefined ? 'skipped: no PyTorch' : p.torch.toLocaleString('en-US'),
    p.torch === undefined ? '–' : p.torch === p.convkit ? 'yes' : '**NO**',
  ]);
  out.push(table(['network', 'convkit parameters', 'PyTorch parameters', 'equal'], paramRows), '');
  const rows = r.cases.map((c) => {
    const ratios = c.rounds.filter((t) => t.torch !== undefined).map((t) => t.convkit / (t.torch as number));
    return [
      c.name,
      String(c.threads),
      range(
        c.rounds.map((t) => t.convkit),
        ms,
      ),
      c.rounds.some((t) => t.torch !== undefined)
        ? range(
            c.rounds.flatMap((t) => (t.torch === undefined ? [] : [t.torch])),
            ms,
          )
        : 'skipped: no PyTorch',
      ratios.length === 0 ? '–' : ratios.map(x2).join(', '),
      ratios.length === 0 ? '–' : x2(median(ratios)),
    ];
  });
  out.push(
    table(
      ['case', 'threads', 'convkit (rounds)', 'PyTorch (rounds)', 'convkit ÷ PyTorch per round', 'median'],
      rows,
    ),
    '',
  );
  if (r.scaling.length > 0) {
    out.push(
      table(
        ['convkit scaling, 1 → 2 threads', 'per round', 'median'],
        r.scaling.map((s) => [s.name, s.rounds.map(x2).join(', '), x2(median(s.rounds))]),
      ),
      '',
    );
  }
  if (r.heap.length > 0) {
    out.push(
      table(
        ['ResNet-18 train step, batch', 'wasm heap peak'],
        r.heap.map((h) => [
          String(h.batch),
          h.heapBytes === undefined ? (h.error ?? '–') : `${(h.heapBytes / 2 ** 30).toFixed(2)} GiB`,
        ]),
      ),
      '',
    );
  }
  if (r.convs.length > 0) {
    out.push(
      `Per conv shape of ResNet-18, batch ${r.convBatch}, 2 threads: best of 3 (ms, and GMAC/s: each pass is`,
      'the same number of multiply-adds; each pass runs on fresh copies of its operands, as in a train step',
      '(XNNPACK repacks a new w or dy), and waits for its result with a one-element read, not a read-back',
      'of its whole output), input and filter gradient ÷ forward.',
      '',
    );
    const g = (macs: number, t: number) => `${ms(t)} (${(macs / t / 1e6).toFixed(1)})`;
    out.push(
      table(
        ['conv (× in the net)', 'forward', 'input grad', 'filter grad', 'input ÷ fwd', 'filter ÷ fwd'],
        r.convs.map((c) => [
          `${c.name} (×${c.count})`,
          g(c.macs, c.forward),
          g(c.macs, c.inputGrad),
          g(c.macs, c.filterGrad),
          x2(c.inputGrad / c.forward),
          x2(c.filterGrad / c.forward),
        ]),
      ),
      '',
    );
  }
  for (const n of r.notes) out.push(`- ${n}`);
  out.push('', END);
  return out.join('\n');
}

/**
 * `markdown` with its START…END section replaced by `section`; appended at the end when absent, which
 * is in RESULTS.md's hand-written part (after `HAND_WRITTEN_MARKER`), so `pnpm bench` keeps it.
 */
export function replaceSection(markdown: string, section: string): string {
  const a = markdown.indexOf(START);
  const b = markdown.indexOf(END);
  if (a < 0 || b < a) return `${markdown.trimEnd()}\n\n${section}\n`;
  return `${markdown.slice(0, a)}${section}${markdown.slice(b + END.length)}`;
}
