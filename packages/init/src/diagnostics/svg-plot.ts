import { checkOptions } from '../check';

/** One line of `statsToSvg`: a label and one std per layer (layer 1 first). */
export interface StdSeries {
  label: string;
  stds: readonly number[];
  /** Stroke color (default: the next of a 10-color palette). */
  color?: string;
  /** Dashed line (default false). */
  dashed?: boolean;
}

/** Options of `statsToSvg`. */
export interface SvgPlotOptions {
  /** Title above the plot (default none). */
  title?: string;
  /** Size in pixels (default 720 × 440). */
  width?: number;
  height?: number;
  /** 'log' (default: stds span decades when an init is off) or 'linear'. */
  yScale?: 'log' | 'linear';
  /** Axis labels (default 'layer' and 'activation std'). */
  xLabel?: string;
  yLabel?: string;
}

const KEYS = ['title', 'width', 'height', 'yScale', 'xLabel', 'yLabel'];
const COLORS = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
];
const M = { left: 70, right: 190, top: 40, bottom: 50 };

/** Escapes text for an SVG (XML) text node or attribute. */
function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** 1, 2 or 5 times a power of ten, at least `raw`. */
function niceStep(raw: number): number {
  const p = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? 10 * p;
}

function tickLabel(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e-3 && a < 1e4 ? String(Number(v.toPrecision(6))) : v.toExponential(0).replace('e+', 'e');
}

/**
 * An SVG line plot of activation std versus depth, one line per series (no dependencies): x is the
 * layer number 1…n, y the std, on a log scale by default; a legend on the right. Points that cannot be drawn (NaN, ±Inf, and
 * ≤ 0 on a log scale) break the line.
 *
 * Options (defaults): `title` none, `width` 720, `height` 440, `yScale` 'log', `xLabel` 'layer',
 * `yLabel` 'activation std'.
 *
 * @example
 * writeFileSync('depth.svg', statsToSvg([{ label: 'kaiming/relu', stds: stats.map((s) => s.std) }]));
 */
export function statsToSvg(series: readonly StdSeries[], options: SvgPlotOptions = {}): string {
  checkOptions('statsToSvg', options, KEYS);
  if (!(series?.length > 0)) throw new Error('statsToSvg: give at least one series');
  const { width = 720, height = 440, yScale = 'log', xLabel = 'layer', yLabel = 'activation std' } = options;
  if (yScale !== 'log' && yScale !== 'linear')
    throw new Error(`statsToSvg: yScale must be 'log' or 'linear'`);
  const log = yScale === 'log';
  const drawable = (v: number) => Number.isFinite(v) && (!log || v > 0);
  const t = (v: number) => (log ? Math.log10(v) : v);
  const values = series.flatMap((s) => s.stds.filter(drawable).map(t));
  const n = Math.max(1, ...series.map((s) => s.stds.length));
  let lo = values.length ? Math.min(...values) : 0;
  let hi = values.length ? Math.max(...values) : 1;
  if (log) [lo, hi] = [Math.floor(lo), Math.ceil(hi)];
  else lo = Math.min(lo, 0);
  if (hi - lo < 1e-12) hi = lo + 1;
  const yStep = log ? Math.max(1, Math.ceil((hi - lo) / 10)) : niceStep((hi - lo) / 6);
  if (!log) hi = Math.ceil(hi / yStep) * yStep;
  const pw = width - M.left - M.right;
  const ph = height - M.top - M.bottom;
  const px = (i: number) => M.left + (n === 1 ? pw / 2 : (i * pw) / (n - 1));
  const py = (v: number) => M.top + ph - ((v - lo) / (hi - lo)) * ph;
  const f = (x: number) => x.toFixed(1);

  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
  ];
  if (options.title)
    out.push(
      `<text x="${width / 2}" y="22" text-anchor="middle" font-size="15">${esc(options.title)}</text>`,
    );
  for (let k = 0; lo + k * yStep <= hi + 1e-9; k++) {
    const v = lo + k * yStep;
    const label = tickLabel(log ? 10 ** v : v);
    out.push(`<line x1="${M.left}" x2="${M.left + pw}" y1="${f(py(v))}" y2="${f(py(v))}" stroke="#e4e4e4"/>`);
    out.push(`<text x="${M.left - 6}" y="${f(py(v) + 4)}" text-anchor="end">${label}</text>`);
  }
  const xStep = niceStep(Math.max(1, (n - 1) / 10));
  for (let layer = 0; layer <= n; layer += xStep) {
    const i = Math.max(layer, 1) - 1;
    if (layer === 0 && xStep === 1) continue;
    out.push(`<text x="${f(px(i))}" y="${M.top + ph + 18}" text-anchor="middle">${i + 1}</text>`);
  }
  out.push(`<rect x="${M.left}" y="${M.top}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`);
  out.push(`<text x="${M.left + pw / 2}" y="${height - 10}" text-anchor="middle">${esc(xLabel)}</text>`);
  const yl = `${esc(yLabel)}${log ? ' (log scale)' : ''}`;
  out.push(`<text transform="translate(16 ${M.top + ph / 2}) rotate(-90)" text-anchor="middle">${yl}</text>`);

  series.forEach((s, k) => {
    const color = esc(s.color ?? COLORS[k % COLORS.length]);
    const style = `fill="none" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}`;
    let d = '';
    let pen = false;
    s.stds.forEach((v, i) => {
      if (!drawable(v)) {
        pen = false;
        return;
      }
      d += `${pen ? 'L' : 'M'}${f(px(i))} ${f(py(t(v)))} `;
      pen = true;
    });
    if (d) out.push(`<path d="${d.trim()}" ${style}/>`);
    const ly = M.top + 10 + k * 18;
    const lx = M.left + pw + 14;
    out.push(`<line x1="${lx}" x2="${lx + 22}" y1="${ly}" y2="${ly}" ${style}/>`);
    out.push(`<text x="${lx + 28}" y="${ly + 4}">${esc(s.label)}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
