import { Conv2d, Linear, type Module } from '@convkit/core';
import { dispose, type Tensor, zeros } from '@tensorflow/tfjs-core';

/** One row of {@link summary}: a module of the tree. */
export interface LayerSummary {
  /** Dotted name (`''` for the model itself). */
  name: string;
  className: string;
  /** Nesting depth (0: the model). */
  depth: number;
  /** Output shape of its last call during the summary's forward pass; null when it was not called. */
  outputShape: number[] | null;
  /** Parameter elements of the module and its descendants. */
  params: number;
  /** Multiply-adds of the module and its descendants on the summary's input. */
  macs: number;
}

/** What {@link summary} measured. */
export interface ModelSummary {
  inputShape: number[];
  outputShape: number[];
  /** Every module, in `namedModules()` order (pre-order). */
  layers: LayerSummary[];
  params: number;
  trainableParams: number;
  /** Multiply-adds of the whole input batch. */
  macs: number;
}

/** Multiply-adds of one call of a conv or linear layer with output `y` (other layers: 0). */
function callMacs(m: Module, y: Tensor): number {
  if (m instanceof Conv2d) {
    const [kh, kw, inPerGroup] = m.weight.shape;
    return y.size * kh * kw * inPerGroup;
  }
  if (m instanceof Linear) return y.size * m.options.inFeatures;
  return 0;
}

/**
 * Per-layer output shapes, parameters and multiply-adds of `model` on an input of `inputShape`
 * (NHWC, batch included), like torchinfo's `summary`. Runs one forward pass in evaluation mode on
 * zeros (the model's mode is restored) with forward hooks on every module.
 *
 * MACs count convolutions (`output elements · kh · kw · inChannels/groups`) and linear layers
 * (`output elements · inFeatures`), as fvcore and torchvision's published figures do; norms, pools,
 * activations and additions are not counted. Biases are not counted.
 *
 * @example
 * const s = summary(createModel('resnet18'), [1, 224, 224, 3]);
 * s.params; // 11689512
 * s.macs;   // ≈ 1.82e9
 * console.log(formatSummary(s, { depth: 2 }));
 */
export function summary(model: Module, inputShape: number[]): ModelSummary {
  const modules = model.namedModules();
  const shapes = new Map<Module, number[]>();
  const ownMacs = new Map<Module, number>();
  const removers = modules.map(([, m]) =>
    m.registerForwardHook((mod, _x, y) => {
      shapes.set(mod, [...y.shape]);
      ownMacs.set(mod, (ownMacs.get(mod) ?? 0) + callMacs(mod, y));
      return undefined;
    }),
  );
  const modes = modules.map(([, m]) => m.training);
  let outputShape: number[];
  try {
    model.eval();
    const x = zeros(inputShape);
    const y = model.call(x);
    outputShape = [...y.shape];
    dispose([x, y]);
  } finally {
    for (const remove of removers) remove();
    modules.forEach(([, m], i) => {
      m.training = modes[i];
    });
  }
  const subtreeMacs = (m: Module): number =>
    m.namedModules().reduce((n, [, d]) => n + (ownMacs.get(d) ?? 0), 0);
  const layers = modules.map(([name, m]) => ({
    name,
    className: m.className,
    depth: name === '' ? 0 : name.split('.').length,
    outputShape: shapes.get(m) ?? null,
    params: m.numParameters(),
    macs: subtreeMacs(m),
  }));
  return {
    inputShape: [...inputShape],
    outputShape,
    layers,
    params: model.numParameters(),
    trainableParams: model.trainableParameters().reduce((n, p) => n + p.size, 0),
    macs: layers[0].macs,
  };
}

/** `12.3 M`-style figures for tables. */
export function formatCount(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} k`;
  return String(n);
}

/**
 * The summary as a text table (layers down to `depth`, default 2), with totals.
 *
 * @example
 * console.log(formatSummary(summary(model, [1, 32, 32, 3]), { depth: 1 }));
 */
export function formatSummary(s: ModelSummary, options: { depth?: number } = {}): string {
  const depth = options.depth ?? 2;
  const rows = s.layers
    .filter((l) => l.depth > 0 && l.depth <= depth)
    .map((l) => [
      `${'  '.repeat(l.depth - 1)}${l.name.split('.').at(-1)}: ${l.className}`,
      l.outputShape ? `[${l.outputShape.join(', ')}]` : '--',
      l.params.toLocaleString('en-US'),
      l.macs === 0 ? '--' : formatCount(l.macs),
    ]);
  const header = ['Layer', 'Output shape', 'Params', 'MACs'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) =>
    r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const rule = '-'.repeat(widths.reduce((a, b) => a + b + 2, -2));
  return [
    line(header),
    rule,
    ...rows.map(line),
    rule,
    `Input [${s.inputShape.join(', ')}] → output [${s.outputShape.join(', ')}]`,
    `Params: ${s.params.toLocaleString('en-US')} (trainable ${s.trainableParams.toLocaleString('en-US')})`,
    `MACs: ${s.macs.toLocaleString('en-US')} (${formatCount(s.macs)})`,
  ].join('\n');
}
