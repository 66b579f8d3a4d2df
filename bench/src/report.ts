import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { CASES, type CaseName, type ChildResult, CONV, TRAIN_BATCH, type Variant } from './cases';
import type { Timing } from './measure';

/** The machine a run was made on. */
export interface Machine {
  cpu: string;
  cores: number;
  node: string;
  date: string;
  /** 1-minute load average at the start and end of the run: this machine may be shared. */
  load: [number, number];
}

/** CPU model (from /proc/cpuinfo where there is one), core count, Node version, date, load. */
export function machineInfo(loadAtStart: number): Machine {
  let cpu = cpus()[0]?.model ?? 'unknown';
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (match) cpu = match[1].trim();
  } catch {
    // Not Linux: os.cpus() is the best we have.
  }
  return {
    cpu,
    cores: cpus().length,
    node: process.version,
    date: new Date().toISOString(),
    load: [loadAtStart, loadavg()[0]],
  };
}

/** `12.3 ms`, `1.52 s`; a dagger marks a single cold run (too slow for warm-up). */
export function formatTiming(t: Timing): string {
  const ms = t.medianMs;
  const text = ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms >= 100 ? ms.toFixed(0) : ms.toFixed(1)} ms`;
  return t.warmedUp ? text : `${text} †`;
}

type Cell = { timing?: Timing; error?: string; skipped?: string };

function cell(results: ChildResult[], variant: Variant, backend: string, name: CaseName): Cell {
  const r = results.find((x) => x.variant === variant && x.backend === backend);
  if (r === undefined) return { skipped: 'not run' };
  if (r.error !== undefined) return { error: r.error };
  return r.cases.find((c) => c.name === name) ?? { skipped: 'not run' };
}

function cellText(c: Cell): string {
  if (c.timing) return formatTiming(c.timing);
  if (c.skipped) return `– (${c.skipped})`;
  const e = c.error ?? '';
  const missing = /[Kk]ernel '(\w+)' not registered/.exec(e);
  return missing ? `unsupported (no ${missing[1]} kernel)` : `error: ${e.slice(0, 80).replace(/\|/g, '/')}`;
}

/** The results as a markdown table, one row per (case, backend), with the convkit / tfjs-layers ratio. */
export function resultsTable(results: ChildResult[], backends: readonly string[]): string {
  const header = [
    'case',
    'backend',
    'convkit',
    'tfjs-layers',
    'convkit / tfjs-layers',
    'tfjs-layers + convkit kernels',
  ];
  const rows: string[][] = [];
  for (const name of Object.values(CASES)) {
    for (const backend of backends) {
      const ck = cell(results, 'convkit', backend, name);
      const tl = cell(results, 'tfjs-layers', backend, name);
      const tk = cell(results, 'tfjs-layers+kernels', backend, name);
      const ratio = ck.timing && tl.timing ? (ck.timing.medianMs / tl.timing.medianMs).toFixed(2) : '–';
      rows.push([name, backend, cellText(ck), cellText(tl), ratio, cellText(tk)]);
    }
  }
  return markdownTable(header, rows, 2);
}

/** A padded markdown table (the layout Biome's formatter writes); columns from `rightFrom` on align right. */
export function markdownTable(header: string[], rows: string[][], rightFrom: number): string {
  const widths = header.map((h, c) => Math.max(h.length, 3, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) =>
    `| ${cells.map((x, c) => (c >= rightFrom ? x.padStart(widths[c]) : x.padEnd(widths[c]))).join(' | ')} |`;
  const rule = widths.map((w, c) => (c >= rightFrom ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w)));
  return [line(header), `| ${rule.join(' | ')} |`, ...rows.map(line)].join('\n');
}

/** The whole RESULTS.md: machine, table, and what the numbers mean. */
export function resultsMarkdown(
  results: ChildResult[],
  backends: readonly string[],
  machine: Machine,
): string {
  const details = results
    .filter((r) => r.variant !== 'tfjs-layers')
    .map(
      (r) =>
        `- ${r.variant} on ${r.backend}: ${r.error === undefined ? r.detail : `could not start: ${r.error}`}`,
    );
  const software = results.some(
    (r) => r.backend === 'webgpu' && /llvmpipe|lavapipe|software|SwiftShader/i.test(r.detail ?? ''),
  );
  const notes = [
    '- Medians of 3 to 15 timed runs (~3 s per case) after warm-up (2 runs, 1 if a run takes over 1 s).',
    '  † marks a cpu/wasm case whose first run took over 10 s: that single cold run is shown. On webgpu',
    '  (shader compilation) the first run is always a warm-up. Each run ends with a read-back, so queued GPU',
    '  work is included.',
    `- Cases: ${CASES.convForward} and ${CASES.convBackward} of the second conv of the example's CNN,`,
    `  x [${CONV.batch}, ${CONV.size}, ${CONV.size}, ${CONV.inChannels}] → ${CONV.kernel}×${CONV.kernel}, ${CONV.outChannels} filters, 'same', with bias; the backward`,
    '  pass is the gradient of sum(conv(x)) w.r.t. W, b and x, so it includes the Sum gradient (dy broadcast',
    '  to the output shape) besides the two conv backprops;',
    `  ${CASES.trainStep}: forward, cross-entropy, backward and an Adam update of the example's CNN`,
    `  (Conv 1→8 5×5, pool, Conv 8→16 5×5, pool, Linear 784→10) on ${TRAIN_BATCH} MNIST images; tfjs-layers runs`,
    '  the same network with `trainOnBatch` (softmax + categorical cross-entropy).',
    '- convkit / tfjs-layers < 1: convkit is faster.',
    "- Each (library, backend) runs in its own child process, so convkit's kernels and gradients and",
    "  tfjs-layers' (its Node bundle registers tfjs's gradients when imported) never replace one another.",
    '  "tfjs-layers" is tfjs alone. "tfjs-layers + convkit kernels" registers convkit\'s kernels for that',
    "  backend (listed above) by hand, with tfjs-layers' own gradients: tfjs-backend-wasm 4.22 has no",
    '  Conv2DBackpropFilter, so tfjs-layers can train conv nets on wasm only with it; on cpu convkit replaces',
    '  the slow element-by-element filter gradient.',
  ];
  if (software) {
    notes.push(
      '- **webgpu here is a software rasterizer (Mesa lavapipe/llvmpipe on the CPU): its numbers check that',
      '  the WebGPU path works, they say nothing about GPU speed.**',
    );
  }
  if (machine.load[0] > machine.cores * 0.5 || machine.load[1] > machine.cores * 0.5) {
    notes.push(
      `- The machine was busy (load ${machine.load[0].toFixed(1)} → ${machine.load[1].toFixed(1)} on ${machine.cores} cores):`,
      '  absolute times are inflated and noisy; the ratios are more telling.',
    );
  }
  return [
    '# convkit benchmarks',
    '',
    `Machine: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, ${machine.date}, ` +
      `load average ${machine.load[0].toFixed(1)} → ${machine.load[1].toFixed(1)}. Written by \`pnpm bench\` (bench/run.ts).`,
    '',
    'Backends:',
    '',
    ...details,
    '',
    resultsTable(results, backends),
    '',
    ...notes,
    '',
  ].join('\n');
}
