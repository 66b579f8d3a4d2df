import { readFileSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { rankTrials } from '../search/random-search';
import { mountCharts, type ReportInput, reportCharts } from './charts';

/** Options of {@link renderReport}. */
export interface RenderReportOptions {
  /** The page's title. Default: `input.title`, else 'convkit training report'. */
  title?: string;
  /** Embed the input (history, search results…) as JSON in the page, for tools to read back. Default true. */
  embedData?: boolean;
}

const require = createRequire(import.meta.url);

/**
 * The text of a package's browser build (a file in the folder of its main entry: neither package
 * exports the path), without its source-map comment (no request for a .map when opened).
 */
function script(pkg: string, file: string): string {
  const text = readFileSync(join(dirname(require.resolve(pkg)), file), 'utf8');
  return text.replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n');
}

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

/** JSON safe inside a <script> element. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

function fmt(x: unknown, digits = 4): string {
  if (typeof x === 'number') return Number.isFinite(x) ? String(Number(x.toPrecision(digits))) : String(x);
  if (x === null || x === undefined) return '–';
  return String(x);
}

const pct = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? `${(100 * x).toFixed(2)} %` : '–');

/** An HTML table; `head` null for a key–value table without a header row. */
function table(head: string[] | null, rows: string[][]): string {
  const th =
    head === null ? '' : `<thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead>`;
  const trs = rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('\n');
  return `<table>${th}<tbody>\n${trs}\n</tbody></table>`;
}

function summary(input: ReportInput): string {
  const parts: string[] = [];
  if (input.verdicts && input.verdicts.length > 0) {
    parts.push(
      '<h2>Recipe</h2>',
      table(
        ['step', 'verdict', 'what it found'],
        input.verdicts.map((v) => [v.step, v.ok ? 'ok' : 'PROBLEM', v.message]),
      ),
    );
  }
  const h = input.history;
  if (h) {
    const meta = (h.meta ?? {}) as Record<string, unknown>;
    const last = h.epochs?.[h.epochs.length - 1];
    const rows: string[][] = [];
    for (const key of [
      'model',
      'parameters',
      'optimizer',
      'schedule',
      'backend',
      'batchSize',
      'epochs',
      'trainSamples',
      'valSamples',
      'seed',
    ]) {
      if (meta[key] !== undefined && meta[key] !== null) rows.push([key, fmt(meta[key], 6)]);
    }
    if (last) {
      rows.push(['epochs run', String(last.epoch)]);
      rows.push(['last train loss / accuracy', `${fmt(last.train?.loss)} / ${pct(last.train?.accuracy)}`]);
      if (last.val)
        rows.push(['last val loss / accuracy', `${fmt(last.val.loss)} / ${pct(last.val.accuracy)}`]);
    }
    const best = h.best as { monitor?: string; value?: number; epoch?: number } | null | undefined;
    if (best) rows.push([`best ${best.monitor}`, `${fmt(best.value)} (epoch ${best.epoch})`]);
    if (typeof h.stopReason === 'string') rows.push(['stopped', h.stopReason]);
    if (rows.length > 0) {
      parts.push('<h2>Training</h2>');
      if (input.historyNote) parts.push(`<p>${escapeHtml(input.historyNote)}</p>`);
      parts.push(table(null, rows));
    }
  }
  if (input.lrFinder && typeof input.lrFinder.suggestedLr === 'number') {
    parts.push(
      `<p>LR finder: suggested learning rate <b>${escapeHtml(fmt(input.lrFinder.suggestedLr, 3))}</b>.</p>`,
    );
  }
  const s = input.search;
  if (s) {
    const names = Object.keys(s.space);
    const top = rankTrials(s.trials, s.metric).slice(0, 8);
    const failed = s.trials.filter((t) => t.error !== undefined).length;
    parts.push(
      '<h2>Random search</h2>',
      `<p>${s.trials.length} trials (${s.trials.filter((t) => t.stage === 'coarse').length} coarse, ${
        s.trials.filter((t) => t.stage === 'fine').length
      } fine), seed ${s.seed}, ranked by ${escapeHtml(s.metric)}${failed > 0 ? `; ${failed} failed` : ''}. Best first:</p>`,
      table(
        ['trial', 'stage', ...names, 'val accuracy', 'val loss', 'seconds'],
        top.map((t) => [
          String(t.id),
          t.stage,
          ...names.map((n) => fmt(t.params[n], 3)),
          t.error === undefined ? pct(t.valAccuracy) : `failed: ${t.error}`,
          fmt(t.valLoss),
          fmt(t.seconds, 3),
        ]),
      ),
    );
  }
  return parts.join('\n');
}

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 24px; color: #222; max-width: 1280px; }
h1 { font-size: 22px; margin: 0 0 12px; } h2 { font-size: 17px; margin: 20px 0 8px; }
table { border-collapse: collapse; margin: 4px 0 12px; } td, th { border: 1px solid #ddd; padding: 3px 8px; text-align: left; }
th { background: #f4f4f4; } td:first-child { color: #555; }
#charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(560px, 1fr)); gap: 16px; }
figure.chart { margin: 0; border: 1px solid #e4e4e4; border-radius: 6px; padding: 10px; }
figcaption { font-weight: 600; margin-bottom: 6px; } .chart-box { position: relative; height: 300px; }
figure.chart-square .chart-box { height: 480px; }
footer { color: #777; margin-top: 20px; font-size: 12px; }
`;

/**
 * A self-contained HTML report, one file that needs no network when opened: the summary (recipe
 * verdicts, what trained, the last epoch, the LR finder's suggestion, the best search trials) and
 * the charts of `reportCharts` — loss and accuracy train vs validation, the learning-rate schedule,
 * the LR-finder curve, each searched hyperparameter vs validation accuracy, the confusion matrix —
 * drawn by Chart.js and chartjs-chart-matrix, whose browser builds are inlined into the page. With
 * `embedData` (default) the input is in `<script id="report-data" type="application/json">`.
 *
 * @example
 * writeFileSync('report.html', renderReport({ history, lrFinder, search }));
 */
export function renderReport(input: ReportInput, options: RenderReportOptions = {}): string {
  const title = options.title ?? input.title ?? 'convkit training report';
  const charts = reportCharts(input);
  const data =
    options.embedData === false
      ? ''
      : `<script id="report-data" type="application/json">${scriptJson(input)}</script>\n`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
${summary(input)}
${charts.length > 0 ? '<h2>Charts</h2>' : '<p>Nothing to chart: the report got no history, LR finder or search results.</p>'}
<div id="charts"></div>
<footer>Written by convkit; charts by Chart.js and chartjs-chart-matrix (MIT), inlined.</footer>
${data}<script id="report-charts" type="application/json">${scriptJson(charts)}</script>
<script>${script('chart.js', 'chart.umd.min.js')}</script>
<script>${script('chartjs-chart-matrix', 'chartjs-chart-matrix.min.js')}</script>
<script>
(function () {
  var mountCharts = ${mountCharts.toString()};
  var charts = JSON.parse(document.getElementById('report-charts').textContent);
  window.__convkitCharts = mountCharts(Chart, charts, document.getElementById('charts'));
})();
</script>
</body>
</html>
`;
}

/**
 * Writes {@link renderReport}'s page to `path` atomically (a temporary file renamed into place), making
 * its folder if needed.
 */
export async function writeReport(
  path: string,
  input: ReportInput,
  options: RenderReportOptions = {},
): Promise<void> {
  const html = renderReport(input, options);
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(tmp, html);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
