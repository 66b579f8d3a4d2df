import { describe, expect, it } from 'vitest';
import { randomSearch } from '../search/random-search';
import { choice, int, logUniform } from '../search/space';
import { mountCharts, type ReportChart, type ReportHistory, reportCharts } from './charts';

const classes = ['cat', 'dog', 'bird'];
const history: ReportHistory = {
  meta: { model: 'm', optimizer: 'SGD', stepsPerEpoch: 4 },
  epochs: [
    {
      epoch: 1,
      lr: [0.1],
      train: { loss: 1.2, accuracy: 0.5, top2: 0.8 },
      val: { loss: 1.0, accuracy: 0.6 },
    },
    {
      epoch: 2,
      lr: [0.05],
      train: { loss: 0.8, accuracy: 0.7, top2: 0.9 },
      val: { loss: 0.9, accuracy: 0.65 },
    },
  ],
  steps: Array.from({ length: 8 }, (_, i) => ({
    step: i + 1,
    loss: i === 3 ? Number.NaN : 2 - i / 8,
    lr: [0.1, 0.01],
  })),
  lastValidation: {
    classes,
    confusionMatrix: [
      [8, 1, 1],
      [0, 10, 0],
      [5, 0, 5],
    ],
  },
};

const byId = (charts: ReportChart[], id: string) => charts.find((c) => c.id === id) as ReportChart;
interface Set {
  label: string;
  data: { x: unknown; y: number | null; v?: number; trial?: number }[];
  backgroundColor: string[];
}
/** Dataset i of a chart. */
const set = (chart: ReportChart | undefined, i: number) =>
  (chart as ReportChart).config.data.datasets[i] as unknown as Set;
const labels = (chart: ReportChart) => chart.config.data.datasets.map((d) => d.label);
const xType = (chart: ReportChart | undefined) =>
  ((chart as ReportChart).config.options.scales as { x: { type: string } }).x.type;

describe('reportCharts', () => {
  it('draws loss and accuracy train vs validation, the schedule and the confusion matrix from a history', () => {
    const charts = reportCharts({ history });
    expect(charts.map((c) => c.id)).toEqual(['loss', 'accuracy', 'lr-schedule', 'confusion']);
    const loss = byId(charts, 'loss');
    expect(labels(loss)).toEqual(['train loss (per step)', 'train loss', 'val loss']);
    // Steps on the epoch axis (step / stepsPerEpoch); a non-finite loss is a gap (null), not a point.
    expect(set(loss, 0).data.slice(2, 5)).toEqual([
      { x: 0.75, y: 2 - 2 / 8 },
      { x: 1, y: null },
      { x: 1.25, y: 2 - 4 / 8 },
    ]);
    expect(set(loss, 2).data).toEqual([
      { x: 1, y: 1.0 },
      { x: 2, y: 0.9 },
    ]);
    expect(labels(byId(charts, 'accuracy'))).toEqual(['train accuracy', 'val accuracy', 'train top2']);
    const lr = byId(charts, 'lr-schedule');
    expect(labels(lr)).toEqual(['group 0', 'group 1']);
    expect(set(lr, 1).data.every((p) => p.y === 0.01)).toBe(true);
    const cm = byId(charts, 'confusion');
    expect(cm.config.type).toBe('matrix');
    expect(cm.matrix).toEqual({ size: 3 });
    const cells = set(cm, 0).data;
    expect(cells).toHaveLength(9);
    expect(cells[6]).toEqual({ x: 'cat', y: 'bird', v: 5 }); // true bird predicted cat
    // Shaded by the share of the row: the dog row's diagonal (10/10) is darkest.
    const alpha = (i: number) => Number(/([\d.]+)\)$/.exec(set(cm, 0).backgroundColor[i] as string)?.[1]);
    expect(alpha(4)).toBe(1);
    expect(alpha(3)).toBeCloseTo(0.04, 6);
    // Plain JSON: no functions, so the configs can be written into a page.
    expect(JSON.parse(JSON.stringify(charts))).toEqual(charts);
  });

  it('draws the LR finder on a log axis with the suggestion on the curve', () => {
    const lrs = [1e-5, 1e-4, 1e-3, 1e-2, 1e-1];
    const smoothed = [2.3, 2.25, 1.8, 1.85, null];
    const [chart] = reportCharts({
      lrFinder: { curve: { lr: lrs, loss: [2.3, 2.2, 1.5, 1.9, null], smoothed }, suggestedLr: 9e-4 },
    });
    expect(xType(chart)).toBe('logarithmic');
    expect(labels(chart as ReportChart)).toEqual([
      'loss (per step)',
      'loss (smoothed)',
      'suggested lr 0.00090',
    ]);
    expect(set(chart, 1).data[4]).toEqual({ x: 0.1, y: null });
    expect(set(chart, 2).data).toEqual([{ x: 9e-4, y: 1.8 }]); // on the smoothed curve, at the nearest rate
  });

  it('draws each searched hyperparameter against validation accuracy, log axes for log scales', async () => {
    const search = await randomSearch(
      { lr: logUniform(1e-4, 1), width: int(8, 64), opt: choice(['SGD', 'Adam']) },
      async (p) => {
        if ((p.lr as number) > 0.3) throw new Error('diverged');
        return { valAccuracy: 1 - (p.lr as number), valLoss: p.lr as number };
      },
      { trials: 10, epochs: 1, fine: { trials: 4 }, seed: 1 },
    );
    const charts = reportCharts({ search });
    expect(charts.map((c) => c.id)).toEqual(['search-lr', 'search-width', 'search-opt']);
    expect(charts.map(xType)).toEqual(['logarithmic', 'linear', 'category']);
    const failed = search.trials.filter((t) => t.error !== undefined).length;
    expect(failed).toBeGreaterThan(0);
    expect(charts[0]?.title).toContain(`(${failed} failed trial`);
    expect(set(charts[0], 0).data.length + set(charts[0], 1).data.length).toBe(14 - failed);
    expect(set(charts[0], 2).data).toEqual([
      {
        x: search.trials[search.best as number]?.params.lr,
        y: search.trials[search.best as number]?.valAccuracy,
        trial: search.best,
      },
    ]);
    expect(set(charts[2], 0).data.every((p) => p.x === 'SGD' || p.x === 'Adam')).toBe(true);
  });

  it('draws parameter groups that share their rate (decay and no-decay groups) as one schedule line', () => {
    const steps = [1, 2, 3].map((step) => ({ step, loss: 1, lr: [0.1 / step, 0.1 / step] }));
    const [chart] = reportCharts({ history: { steps } });
    expect(chart?.id).toBe('lr-schedule');
    expect(labels(chart as ReportChart)).toEqual(['learning rate']);
    expect(set(chart, 0).data.map((p) => p.y)).toEqual([0.1, 0.05, 0.1 / 3]);
  });

  it('draws nothing from an empty input', () => {
    expect(reportCharts({})).toEqual([]);
  });
});

describe('mountCharts', () => {
  it('is self-contained (renderReport inlines its source) and adds the functions the configs cannot hold', () => {
    const made: { canvas: unknown; config: Record<string, unknown> }[] = [];
    class FakeChart {
      constructor(canvas: unknown, config: Record<string, unknown>) {
        made.push({ canvas, config });
      }
    }
    const element = () => {
      const el: Record<string, unknown> = { children: [] as unknown[], classList: { add() {} } };
      el.appendChild = (c: unknown) => (el.children as unknown[]).push(c);
      el.append = (...cs: unknown[]) => (el.children as unknown[]).push(...cs);
      return el;
    };
    const fakeDocument = { createElement: element };
    // Rebuilt from its source text, with only `document` in scope, as in the report page.
    const mount = new Function('document', `return (${mountCharts.toString()});`)(
      fakeDocument,
    ) as typeof mountCharts;
    const root = element();
    const charts = reportCharts({
      history,
      lrFinder: { curve: { lr: [1e-4, 1e-3], loss: [2, 1] }, suggestedLr: 1e-3 },
    });
    expect(mount(FakeChart, charts, root as unknown as HTMLElement)).toHaveLength(charts.length);
    expect((root.children as unknown[]).length).toBe(charts.length);
    type Made = {
      type: string;
      data: { datasets: { width: (c: unknown) => number }[] };
      plugins: { id: string }[];
      options: { scales: { x: { type: string; ticks: { callback: (v: number) => string } } } };
    };
    const configs = made.map((m) => m.config as unknown as Made);
    const matrix = configs.find((c) => c.type === 'matrix') as Made;
    const width = (matrix.data.datasets[0] as { width: (c: unknown) => number }).width;
    expect(width({ chart: { chartArea: { width: 301 } } })).toBeCloseTo(301 / 3 - 1, 10);
    expect(matrix.plugins.map((p) => p.id)).toEqual(['cellCounts']);
    const finder = configs.find((c) => c.options.scales.x.type === 'logarithmic') as Made;
    const tick = finder.options.scales.x.ticks.callback;
    expect([1e-3, 2e-3, 3e-3, 5e-2].map(tick)).toEqual(['1e-3', '2e-3', '', '5e-2']);
  });
});
