import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { augmentTable, augmentTarget } from './augment-report';
import {
  AUGMENT_BATCH,
  BLOCK_INPUT,
  CASES,
  type ChildResult,
  CONV,
  MODEL_INPUTS,
  MODEL_ROUNDS,
  NORM_CASES,
  NORM_INPUT,
  TRAIN_BATCH,
  VARIANTS,
  type Variant,
} from './cases';
import { modelTable } from './model-report';
import { blockTable, fusedTable, normTable } from './norm-report';
import { optimizerTable } from './optimizer-report';
import { cell, cellText, markdownTable, ratioText } from './table';

/** The machine a run was made on. */
export interface Machine {
  cpu: string;
  cores: number;
  node: string;
  date: string;
  /** 1-minute load average at the start and end of the run: this machine may be shared. */
  load: [number, number];
  /** Wall time of the whole run, when known. */
  seconds?: number;
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

/**
 * convkit vs tfjs-layers as a markdown table, one row per (case, backend), with their ratio. Only the
 * libraries that ran get a column, and only the (case, backend) pairs that ran a row (all, when
 * `results` holds none of them).
 */
export function resultsTable(results: readonly ChildResult[], backends: readonly string[]): string {
  const ran = VARIANTS.filter((v) => results.some((r) => r.job === v));
  const shown = new Set<Variant>(ran.length > 0 ? ran : VARIANTS);
  const ratio = shown.has('convkit') && shown.has('tfjs-layers');
  const header = [
    'case',
    'backend',
    ...(shown.has('convkit') ? ['convkit'] : []),
    ...(shown.has('tfjs-layers') ? ['tfjs-layers'] : []),
    ...(ratio ? ['convkit / tfjs-layers'] : []),
    ...(shown.has('tfjs-layers+kernels') ? ['tfjs-layers + convkit kernels'] : []),
  ];
  const rows: string[][] = [];
  for (const name of Object.values(CASES)) {
    for (const backend of backends) {
      const ck = cell(results, 'convkit', backend, name);
      const tl = cell(results, 'tfjs-layers', backend, name);
      const tk = cell(results, 'tfjs-layers+kernels', backend, name);
      const cells = [ck, tl, tk].filter((_, i) => shown.has(VARIANTS[i]));
      if (ran.length > 0 && cells.every((c) => c.skipped === 'not run')) continue;
      rows.push([
        name,
        backend,
        ...(shown.has('convkit') ? [cellText(ck)] : []),
        ...(shown.has('tfjs-layers') ? [cellText(tl)] : []),
        ...(ratio ? [ratioText(ck, tl)] : []),
        ...(shown.has('tfjs-layers+kernels') ? [cellText(tk)] : []),
      ]);
    }
  }
  return markdownTable(header, rows, 2);
}

/** The whole RESULTS.md: machine, the four tables, and what the numbers mean. */
export function resultsMarkdown(
  results: readonly ChildResult[],
  backends: readonly string[],
  machine: Machine,
): string {
  // The convkit and kernel jobs' details (backend report, kernels) and every error; a subset run
  // without those jobs lists each job it ran.
  const described = results.filter(
    (r) =>
      r.error !== undefined || r.job === 'convkit' || r.job === 'tfjs-layers+kernels' || r.job === 'models',
  );
  const details = (described.length > 0 ? described : results.filter((r) => r.detail !== undefined)).map(
    (r) => `- ${r.job} on ${r.backend}: ${r.error === undefined ? r.detail : `could not start: ${r.error}`}`,
  );
  const software = results.some(
    (r) => r.backend === 'webgpu' && /llvmpipe|lavapipe|software|SwiftShader/i.test(r.detail ?? ''),
  );
  const ran = (jobs: readonly string[]) => results.some((r) => jobs.includes(r.job));
  // A subset run (--jobs, --backends) shows only the tables, and notes, of the jobs that ran.
  const compared = ran(VARIANTS) || results.length === 0;
  const normsRan = ran(['norms']) || results.length === 0;
  const augmentRan = ran(['augment']) || results.length === 0;
  const optimizersRan = ran(['optimizers']) || results.length === 0;
  const modelsRan = ran(['models']) || results.length === 0;
  const notes = [
    '- Medians of 3 to 15 timed runs (~2 s per case) after warm-up (2 runs, 1 if a run takes over 1 s);',
    '  on webgpu the norm, block and augmentation cases take 1 warm-up and 2 or 3 timed runs.',
    '  † marks a cpu/wasm case whose first run took over 10 s: that single cold run is shown. On webgpu',
    '  (shader compilation) the first run is always a warm-up. Each run ends with a read-back, so queued GPU',
    '  work is included. "skipped (too slow)": cpu (plain JS) would take tens of seconds per run there.',
  ];
  if (compared) {
    notes.push(
      `- ${CASES.convForward} and ${CASES.convBackward}: the second conv of the example's CNN,`,
      `  x [${CONV.batch}, ${CONV.size}, ${CONV.size}, ${CONV.inChannels}] → ${CONV.kernel}×${CONV.kernel}, ${CONV.outChannels} filters, 'same', with bias; the backward`,
      '  pass is the gradient of sum(conv(x)) w.r.t. W, b and x, so it includes the Sum gradient (dy broadcast',
      '  to the output shape) besides the two conv backprops;',
      `  ${CASES.trainStep}: forward, cross-entropy, backward and an Adam update of the example's CNN`,
      `  (Conv 1→8 5×5, pool, Conv 8→16 5×5, pool, Linear 784→10) on ${TRAIN_BATCH} MNIST images; tfjs-layers runs`,
      '  the same network with `trainOnBatch` (softmax + categorical cross-entropy).',
      '- convkit / tfjs-layers < 1: convkit is faster.',
      "- Each (job, backend) runs in its own child process, so convkit's kernels and gradients and",
      "  tfjs-layers' (its Node bundle registers tfjs's gradients when imported) never replace one another.",
      '  "tfjs-layers" is tfjs alone. "tfjs-layers + convkit kernels" registers convkit\'s kernels for that',
      "  backend (listed above) by hand, with tfjs-layers' own gradients: tfjs-backend-wasm 4.22 has no",
      '  Conv2DBackpropFilter, so tfjs-layers can train conv nets on wasm only with it; on cpu convkit replaces',
      '  the slow element-by-element filter gradient.',
    );
  }
  if (normsRan) {
    notes.push(
      `- Norms: forward+backward (loss Σ y·r for a fixed random r, gradients w.r.t. x and every parameter) of`,
      `  @convkit/norms layers in training mode on x [${NORM_INPUT.join(', ')}], next to the ${NORM_CASES.conv} conv with bias`,
      '  that precedes them in a ResNet stage; "÷ conv" is norm / conv. LayerNorm [H, W, C] has PyTorch\'s',
      '  elementwise affine of shape [H, W, C]; LayerNorm2d normalizes over C per position (ConvNeXt);',
      '  GroupNorm has 32 groups of 2 channels.',
      `- ResNet block: Residual(Sequential(Conv2d 3×3 64→64, norm, ReLU, Conv2d 3×3 64→64, norm)) + identity`,
      `  skip, forward+backward as above on x [${BLOCK_INPUT.join(', ')}], norms from \`createNorm\` with affine`,
      "  parameters (LayerNorm is createNorm('layer'): statistics over H, W, C per sample, per-channel affine,",
      '  i.e. GroupNorm with 1 group); "÷ no norm" is block / the same block without norms.',
      '- Fused vs composed: on webgpu the norms run on the fused normalization kernels of @convkit/backend',
      '  (`kernels/Norm*.ts`; the default, `fused: true`); "composed ops" is the same layer with',
      '  `fused: false` (tfjs ops: Sub, Mul, BatchMatMul-based means, …). Launches: GPU programs one',
      '  forward+backward starts (`countLaunches`), loss included; on a real GPU each costs ~0.2 ms of',
      '  overhead whatever its size. Other backends have no fused kernels.',
    );
  }
  if (augmentRan) {
    notes.push(
      `- Augmentation: \`defaultTrainPipeline\` of @convkit/augment (pad-4 crop + horizontal flip, colour jitter,`,
      `  normalize, random erasing p 0.25; CIFAR-10 / Fashion-MNIST statistics) on ${AUGMENT_BATCH} random images in`,
      `  [0, 1]; train step: forward, cross-entropy, backward and Adam of the example's CNN (for 32×32×3 with 3`,
      '  input channels and Linear 1024→10) on the same batch.',
    );
  }
  if (optimizersRan) {
    notes.push(
      `- Optimizers (@convkit/trainer): a train step of the example's CNN on ${TRAIN_BATCH} MNIST images with each`,
      '  optimizer, and the update alone (`optimizer.step(grads)` with fixed gradients, then a read-back of the',
      "  last parameter) on the CNN's 6 parameters (11 k values) and on the 62 parameters of torchvision's",
      '  ResNet-18 at 1/4 width (0.70 M values). On webgpu the updates run on the fused in-place kernels of',
      '  @convkit/backend (`kernels/*Update.ts`, one launch per parameter); "composed" is `fused: false` (tfjs',
      '  ops). Launches: GPU programs of one update or one train step (`countLaunches`), state already made.',
    );
  }
  if (modelsRan) {
    notes.push(
      `- Model inference: eval-mode forward passes of @convkit/models zoo models (random weights, seed 0) on a`,
      `  batch of ${MODEL_INPUTS[0].input[0]} random images, next to the same torchvision model (torchvision's init) in PyTorch`,
      "  on this machine (Debian's python3-torch, `torch.no_grad()`, its default threads; bench/torch/models_worker.py),",
      `  timed in ${MODEL_ROUNDS} interleaved rounds — 3 runs of convkit then 3 of PyTorch (1 each when a run takes over 5 s)`,
      '  — so that both see the same load; "convkit ÷ PyTorch" is the median of the per-round ratios of medians,',
      "  each round in parentheses (< 1: convkit is faster). `resnet18_cifar` is torchvision's resnet18 with a",
      '  3×3 stride-1 stem and no max-pool, 10 classes. "skipped: no PyTorch" when /usr/bin/python3 lacks torch.',
    );
  }
  if (software) {
    notes.push(
      '- **webgpu here is a software adapter (Mesa lavapipe/llvmpipe on the CPU, chosen by name with',
      "  `initBackend({ backend: 'webgpu' })`): its numbers check that the WebGPU path works, they say nothing",
      "  about GPU speed.** There a block's time is mostly its two convs (its two norms take 3–17 % of it),",
      '  so the fused-vs-composed block ratios are within noise.',
    );
  }
  if (machine.load[0] > machine.cores * 0.5 || machine.load[1] > machine.cores * 0.5) {
    notes.push(
      `- The machine was busy (load ${machine.load[0].toFixed(1)} → ${machine.load[1].toFixed(1)} on ${machine.cores} cores):`,
      '  absolute times are inflated and noisy; the ratios are more telling.',
    );
  }
  const took = machine.seconds === undefined ? '' : ` The run took ${(machine.seconds / 60).toFixed(1)} min.`;
  const sections: string[][] = [];
  if (compared) sections.push(['## convkit vs tfjs-layers', '', resultsTable(results, backends)]);
  if (normsRan) {
    sections.push(
      ['## Norms next to the conv before them', '', normTable(results, backends)],
      ['## ResNet block with each norm', '', blockTable(results, backends)],
    );
    if (backends.includes('webgpu')) {
      sections.push(['## Fused norm kernels vs composed ops (webgpu)', '', fusedTable(results)]);
    }
  }
  if (augmentRan) {
    sections.push([
      '## Augmentation next to a train step',
      '',
      augmentTable(results, backends),
      '',
      augmentTarget(results),
    ]);
  }
  if (optimizersRan) {
    sections.push(['## Optimizers: train step and update', '', optimizerTable(results, backends)]);
  }
  if (modelsRan) sections.push(['## Model inference next to PyTorch', '', modelTable(results, backends)]);
  return [
    '# convkit benchmarks',
    '',
    `Machine: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, ${machine.date}, ` +
      `load average ${machine.load[0].toFixed(1)} → ${machine.load[1].toFixed(1)}. Written by \`pnpm bench\` (bench/run.ts).${took}`,
    '',
    'Backends:',
    '',
    ...details,
    '',
    ...sections.flatMap((section) => [...section, '']),
    '## Notes',
    '',
    ...notes,
    '',
  ].join('\n');
}

/** The line after which RESULTS.md is written by hand: `pnpm bench` keeps what follows it. */
export const HAND_WRITTEN_MARKER = '<!-- Written by hand below this line: `pnpm bench` keeps it. -->';

/**
 * The new RESULTS.md: the generated tables, then the hand-written part of the previous file (from
 * {@link HAND_WRITTEN_MARKER} on), when it has one.
 */
export function withHandWritten(generated: string, previous: string | undefined): string {
  const at = previous?.indexOf(HAND_WRITTEN_MARKER) ?? -1;
  if (previous === undefined || at < 0) return generated;
  return `${generated.trimEnd()}\n\n${previous.slice(at)}`;
}
