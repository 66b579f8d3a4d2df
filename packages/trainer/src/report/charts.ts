import type { SearchResult } from '../search/random-search';
import type { ParamSpec } from '../search/space';

/** Scores of an epoch, as `fit`'s history records them (`loss`, `accuracy`, `top5`, …). */
export interface ReportScores {
  loss: number | null;
  accuracy?: number | null;
  [metric: string]: number | null | undefined;
}

/**
 * What the report reads of a training history: `fit`'s `history` (its JSON) fits as it is. Only
 * these fields are read; any may be missing.
 */
export interface ReportHistory {
  meta?: {
    model?: string;
    optimizer?: string;
    schedule?: string | null;
    stepsPerEpoch?: number;
  };
  epochs?: { epoch: number; lr?: number[]; train?: ReportScores; val?: ReportScores }[];
  steps?: { step: number; epoch?: number; loss: number | null; lr?: number[] }[];
  lastValidation?: {
    confusionMatrix: number[][];
    classes: string[];
    perClassAccuracy?: (number | null)[];
  } | null;
  best?: { monitor: string; value: number; epoch: number } | null;
  stopReason?: string | null;
}

/**
 * An LR range test: the learning rates tried and the loss at each (raw, and smoothed when there is
 * one), and the suggestion — `findLearningRate`'s verdict fits as it is.
 */
export interface ReportLrFinder {
  curve: { lr: number[]; loss: (number | null)[]; smoothed?: (number | null)[] };
  suggestedLr?: number | null;
}

/** A recipe step's outcome, as the report lists it: the step, whether it passed, and what it said. */
export interface ReportVerdict {
  step: string;
  ok: boolean;
  message: string;
}

/** Everything a report can show; each part is optional. */
export interface ReportInput {
  title?: string;
  history?: ReportHistory;
  lrFinder?: ReportLrFinder;
  search?: SearchResult;
  /** The recipe's verdicts (initial loss, overfitting a small sample, LR finder, search), in order. */
  verdicts?: ReportVerdict[];
  /** A line under the training summary saying which run the history is (e.g. 'the best search trial, 3'). */
  historyNote?: string;
}

/**
 * One chart: a [Chart.js](https://www.chartjs.org) configuration, plain JSON (no functions), and what
 * `mountCharts` adds when it draws it (`matrix`: a confusion matrix's size, for the cell sizes).
 */
export interface ReportChart {
  id: string;
  title: string;
  section: 'training' | 'lr-finder' | 'search' | 'confusion';
  /** A Chart.js configuration: `{ type, data, options }`. */
  config: {
    type: string;
    data: { labels?: unknown[]; datasets: Record<string, unknown>[] };
    options: Record<string, unknown>;
  };
  matrix?: { size: number };
}

const TRAIN = '#1f77b4';
const VAL = '#ff7f0e';
const FINE = '#2ca02c';
const PALETTE = [TRAIN, VAL, FINE, '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];

const finite = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);

function axis(title: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { title: { display: true, text: title }, ...extra };
}

function options(
  x: Record<string, unknown>,
  y: Record<string, unknown>,
  extra: Record<string, unknown> = {},
) {
  return {
    animation: false,
    responsive: true,
    maintainAspectRatio: false,
    parsing: true,
    interaction: { mode: 'nearest', intersect: false },
    scales: { x, y },
    ...extra,
  };
}

function line(
  label: string,
  color: string,
  data: { x: number; y: number | null }[],
  extra: Record<string, unknown> = {},
) {
  return {
    label,
    data,
    borderColor: color,
    backgroundColor: color,
    pointRadius: 2,
    borderWidth: 2,
    spanGaps: false,
    ...extra,
  };
}

function historyCharts(h: ReportHistory): ReportChart[] {
  const charts: ReportChart[] = [];
  const epochs = h.epochs ?? [];
  const steps = h.steps ?? [];
  const perEpoch = h.meta?.stepsPerEpoch;
  const lossSets: Record<string, unknown>[] = [];
  if (steps.length > 0 && typeof perEpoch === 'number' && perEpoch > 0) {
    lossSets.push(
      line(
        'train loss (per step)',
        '#aec7e8',
        steps.map((s) => ({ x: s.step / perEpoch, y: finite(s.loss) })),
        { pointRadius: 0, borderWidth: 1 },
      ),
    );
  }
  if (epochs.length > 0) {
    lossSets.push(
      line(
        'train loss',
        TRAIN,
        epochs.map((e) => ({ x: e.epoch, y: finite(e.train?.loss) })),
      ),
    );
    if (epochs.some((e) => e.val !== undefined)) {
      lossSets.push(
        line(
          'val loss',
          VAL,
          epochs.map((e) => ({ x: e.epoch, y: finite(e.val?.loss) })),
        ),
      );
    }
  }
  if (lossSets.length > 0) {
    charts.push({
      id: 'loss',
      title: 'Loss, train vs validation',
      section: 'training',
      config: {
        type: 'line',
        data: { datasets: lossSets },
        options: options(axis('epoch', { type: 'linear', min: 0 }), axis('loss')),
      },
    });
  }
  const metrics = [
    ...new Set(epochs.flatMap((e) => Object.keys(e.train ?? {}).concat(Object.keys(e.val ?? {})))),
  ].filter((k) => k !== 'loss');
  const accSets: Record<string, unknown>[] = [];
  metrics.forEach((m, i) => {
    const dash = i === 0 ? {} : { borderDash: [6, 3] };
    if (epochs.some((e) => finite(e.train?.[m]) !== null)) {
      accSets.push(
        line(
          `train ${m}`,
          TRAIN,
          epochs.map((e) => ({ x: e.epoch, y: finite(e.train?.[m]) })),
          dash,
        ),
      );
    }
    if (epochs.some((e) => finite(e.val?.[m]) !== null)) {
      accSets.push(
        line(
          `val ${m}`,
          VAL,
          epochs.map((e) => ({ x: e.epoch, y: finite(e.val?.[m]) })),
          dash,
        ),
      );
    }
  });
  if (accSets.length > 0) {
    charts.push({
      id: 'accuracy',
      title: 'Accuracy, train vs validation',
      section: 'training',
      config: {
        type: 'line',
        data: { datasets: accSets },
        options: options(axis('epoch', { type: 'linear', min: 0 }), axis('accuracy', { suggestedMax: 1 })),
      },
    });
  }
  // The schedule: each parameter group's rate per step (or per epoch when steps are not recorded).
  const lrPoints =
    steps.length > 0
      ? steps.map((s) => ({ x: s.step, lr: s.lr ?? [] }))
      : epochs.map((e) => ({ x: e.epoch, lr: e.lr ?? [] }));
  // Groups that always share one rate (decay / no-decay groups) are drawn as one line.
  const same = lrPoints.every((p) => p.lr.every((v) => v === p.lr[0]));
  const groups = same
    ? Math.min(1, Math.max(0, ...lrPoints.map((p) => p.lr.length)))
    : Math.max(0, ...lrPoints.map((p) => p.lr.length));
  if (groups > 0) {
    const sets = Array.from({ length: groups }, (_, g) =>
      line(
        groups === 1 ? 'learning rate' : `group ${g}`,
        PALETTE[g % PALETTE.length] as string,
        lrPoints.map((p) => ({ x: p.x, y: finite(p.lr[g]) })),
        { pointRadius: 0 },
      ),
    );
    charts.push({
      id: 'lr-schedule',
      title: 'Learning-rate schedule',
      section: 'training',
      config: {
        type: 'line',
        data: { datasets: sets },
        options: options(
          axis(steps.length > 0 ? 'step' : 'epoch', { type: 'linear', min: 0 }),
          axis('learning rate'),
        ),
      },
    });
  }
  const last = h.lastValidation;
  if (last && last.confusionMatrix.length > 0)
    charts.push(confusionChart(last.confusionMatrix, last.classes));
  return charts;
}

/** A confusion matrix as a Chart.js matrix chart: rows true classes, columns predictions, shaded per row. */
function confusionChart(matrix: number[][], classes: string[]): ReportChart {
  const n = matrix.length;
  const names = Array.from({ length: n }, (_, i) => classes[i] ?? String(i));
  const data: { x: string; y: string; v: number }[] = [];
  const colors: string[] = [];
  matrix.forEach((row, i) => {
    const total = row.reduce((a, b) => a + b, 0) || 1;
    row.forEach((v, j) => {
      data.push({ x: names[j] as string, y: names[i] as string, v });
      // Share of the true class predicted as j: white (0) to dark blue (1).
      const t = v / total;
      colors.push(`rgba(31, 119, 180, ${(0.04 + 0.96 * t).toFixed(3)})`);
    });
  });
  return {
    id: 'confusion',
    title: 'Confusion matrix (last validation): rows true class, columns predicted',
    section: 'confusion',
    matrix: { size: n },
    config: {
      type: 'matrix',
      data: {
        datasets: [
          { label: 'samples', data, backgroundColor: colors, borderColor: '#ffffff', borderWidth: 1 },
        ],
      },
      options: options(
        axis('predicted', { type: 'category', labels: names, offset: true, grid: { display: false } }),
        axis('true', {
          type: 'category',
          labels: names,
          offset: true,
          reverse: false,
          grid: { display: false },
        }),
        { plugins: { legend: { display: false } } },
      ),
    },
  };
}

function lrFinderChart(f: ReportLrFinder): ReportChart {
  const { lr, loss, smoothed } = f.curve;
  const datasets: Record<string, unknown>[] = [
    line(
      smoothed ? 'loss (per step)' : 'loss',
      smoothed ? '#aec7e8' : TRAIN,
      lr.map((x, i) => ({ x, y: finite(loss[i]) })),
      { pointRadius: 0, borderWidth: smoothed ? 1 : 2 },
    ),
  ];
  if (smoothed) {
    datasets.push(
      line(
        'loss (smoothed)',
        TRAIN,
        lr.map((x, i) => ({ x, y: finite(smoothed[i]) })),
        { pointRadius: 0 },
      ),
    );
  }
  const suggested = finite(f.suggestedLr);
  if (suggested !== null && lr.length > 0) {
    // The suggestion sits on the (smoothed) curve at the nearest rate tried.
    let k = 0;
    lr.forEach((x, i) => {
      if (Math.abs(Math.log(x / suggested)) < Math.abs(Math.log((lr[k] as number) / suggested))) k = i;
    });
    datasets.push({
      label: `suggested lr ${suggested.toPrecision(2)}`,
      type: 'scatter',
      data: [{ x: suggested, y: finite((smoothed ?? loss)[k]) }],
      backgroundColor: '#d62728',
      borderColor: '#d62728',
      pointRadius: 6,
    });
  }
  return {
    id: 'lr-finder',
    title: 'Learning-rate finder: loss vs learning rate',
    section: 'lr-finder',
    config: {
      type: 'line',
      data: { datasets },
      options: options(axis('learning rate', { type: 'logarithmic' }), axis('loss')),
    },
  };
}

const logScale = (spec: ParamSpec | undefined) =>
  spec?.kind === 'logUniform' || (spec?.kind === 'int' && spec.log);

/** One scatter per hyperparameter: its value in each trial vs the trial's validation accuracy. */
function searchCharts(s: SearchResult): ReportChart[] {
  const ok = s.trials.filter((t) => t.error === undefined && t.valAccuracy !== null);
  const failed = s.trials.length - ok.length;
  const best = s.best === null ? undefined : s.trials.find((t) => t.id === s.best);
  return Object.entries(s.space).map(([name, spec]) => {
    const categorical = spec.kind === 'choice';
    const point = (t: (typeof ok)[number]) => ({
      x: categorical ? String(t.params[name]) : (t.params[name] as number),
      y: t.valAccuracy,
      trial: t.id,
    });
    const datasets: Record<string, unknown>[] = [
      {
        label: 'coarse',
        data: ok.filter((t) => t.stage === 'coarse').map(point),
        backgroundColor: TRAIN,
        pointRadius: 4,
      },
    ];
    if (ok.some((t) => t.stage === 'fine')) {
      datasets.push({
        label: 'fine',
        data: ok.filter((t) => t.stage === 'fine').map(point),
        backgroundColor: FINE,
        pointRadius: 4,
      });
    }
    if (best !== undefined && best.valAccuracy !== null) {
      datasets.push({
        label: `best (trial ${best.id})`,
        data: [point(best)],
        backgroundColor: '#d62728',
        pointRadius: 7,
        pointStyle: 'rectRot',
        borderColor: '#d62728',
      });
    }
    const x = categorical
      ? axis(name, { type: 'category', labels: spec.values.map(String), offset: true })
      : axis(name, { type: logScale(spec) ? 'logarithmic' : 'linear' });
    return {
      id: `search-${name}`,
      title: `Search: ${name} vs validation accuracy${failed > 0 ? ` (${failed} failed trial${failed > 1 ? 's' : ''} not shown)` : ''}`,
      section: 'search' as const,
      config: { type: 'scatter', data: { datasets }, options: options(x, axis('val accuracy')) },
    };
  });
}

/**
 * The report's charts as Chart.js configurations (plain JSON): loss and accuracy curves train vs
 * validation, the learning-rate schedule, the confusion matrix of the last validation (from a
 * history), the LR finder's curve with its suggestion, and one scatter per searched hyperparameter
 * against validation accuracy (coarse and fine trials, the best marked; log axes for log-uniform
 * parameters). Browser-safe: draw them in a page with {@link mountCharts}; `renderReport`
 * (`@convkit/trainer/node`) puts them in a self-contained HTML file.
 */
export function reportCharts(input: ReportInput): ReportChart[] {
  return [
    ...(input.history ? historyCharts(input.history) : []),
    ...(input.lrFinder ? [lrFinderChart(input.lrFinder)] : []),
    ...(input.search ? searchCharts(input.search) : []),
  ];
}

/**
 * Draws report charts into `root` with Chart.js (`Chart`: the global of chart.umd.js, or
 * `import Chart from 'chart.js/auto'`; the confusion matrix needs `chartjs-chart-matrix` registered).
 * Each chart gets a `<figure>` with its title and a canvas; returns the Chart instances.
 *
 * Self-contained on purpose (it uses only its arguments and `document`): `renderReport` inlines its
 * source text into the HTML page.
 *
 * @example
 * import Chart from 'chart.js/auto';
 * import { MatrixController, MatrixElement } from 'chartjs-chart-matrix';
 * Chart.register(MatrixController, MatrixElement);
 * mountCharts(Chart, reportCharts({ history }), document.querySelector('#charts'));
 */
export function mountCharts(
  // biome-ignore lint/suspicious/noExplicitAny: Chart.js's constructor, from whichever build the page has.
  Chart: any,
  charts: ReportChart[],
  root: HTMLElement,
): unknown[] {
  const made: unknown[] = [];
  for (const chart of charts) {
    const figure = document.createElement('figure');
    figure.className = `chart chart-${chart.section}`;
    figure.id = `chart-${chart.id}`;
    const caption = document.createElement('figcaption');
    caption.textContent = chart.title;
    const box = document.createElement('div');
    box.className = 'chart-box';
    const canvas = document.createElement('canvas');
    box.appendChild(canvas);
    figure.append(caption, box);
    root.appendChild(figure);
    const config = JSON.parse(JSON.stringify(chart.config));
    const plugins: unknown[] = [];
    // Log axes: label 1, 2 and 5 times powers of ten, compactly (Chart.js labels every minor tick).
    for (const scale of Object.values(config.options.scales ?? {}) as Record<string, unknown>[]) {
      if (scale.type !== 'logarithmic') continue;
      scale.ticks = {
        callback: (v: number) => {
          const m = v / 10 ** Math.floor(Math.log10(v) + 1e-9);
          return [1, 2, 5].some((k) => Math.abs(m - k) < 1e-6) ? v.toExponential(0) : '';
        },
      };
    }
    if (chart.matrix !== undefined) {
      const n = chart.matrix.size;
      figure.classList.add('chart-square');
      const dataset = config.data.datasets[0];
      // biome-ignore lint/suspicious/noExplicitAny: Chart.js scriptable option contexts.
      dataset.width = (c: any) => (c.chart.chartArea ? c.chart.chartArea.width / n - 1 : 0);
      // biome-ignore lint/suspicious/noExplicitAny: as above.
      dataset.height = (c: any) => (c.chart.chartArea ? c.chart.chartArea.height / n - 1 : 0);
      config.options.plugins.tooltip = {
        callbacks: {
          title: () => '',
          // biome-ignore lint/suspicious/noExplicitAny: as above.
          label: (c: any) => `true ${c.raw.y}, predicted ${c.raw.x}: ${c.raw.v}`,
        },
      };
      // The count in each cell, dark on light cells and light on dark ones.
      plugins.push({
        id: 'cellCounts',
        // biome-ignore lint/suspicious/noExplicitAny: Chart.js chart instance.
        afterDatasetsDraw(c: any) {
          const ctx = c.ctx;
          const meta = c.getDatasetMeta(0);
          const rows = new Map<string, number>();
          for (const d of c.data.datasets[0].data) rows.set(d.y, (rows.get(d.y) ?? 0) + d.v);
          ctx.save();
          ctx.textAlign = 'center';
          ctx.textBaseline = 'middle';
          ctx.font = `${Math.max(8, Math.min(14, c.chartArea.width / n / 3.2))}px sans-serif`;
          // biome-ignore lint/suspicious/noExplicitAny: Chart.js elements.
          meta.data.forEach((el: any, i: number) => {
            const d = c.data.datasets[0].data[i];
            const share = d.v / (rows.get(d.y) || 1);
            ctx.fillStyle = share > 0.5 ? '#ffffff' : '#222222';
            const { x, y } = el.getCenterPoint();
            ctx.fillText(String(d.v), x, y);
          });
          ctx.restore();
        },
      });
    }
    made.push(new Chart(canvas, { ...config, plugins }));
  }
  return made;
}
