// The page's loss and accuracy curves as Chart.js configurations with the look of the trainer's report
// (`reportCharts` of @convkit/trainer: its colours, axes in epochs, per-step line, train vs validation).
// The page cannot import the report itself: @convkit/trainer's entry brings tfjs-core, and the page's
// own bundle runs no tfjs (the worker does). Plain data, no DOM: src/ui/charts.ts draws them.
import type { ChartConfiguration, ChartDataset } from 'chart.js';
import type { CurvePoint, History } from './session';

// The report's colours: training, validation, and the lighter training line of every step.
const TRAIN = '#1f77b4';
const VAL = '#ff7f0e';
const PER_STEP = '#aec7e8';

type Point = { x: number; y: number | null };
export type CurveId = 'loss' | 'accuracy';

/** One chart of the page: the title the figure shows and its Chart.js configuration. */
export interface CurveChart {
  id: CurveId;
  title: string;
  config: ChartConfiguration<'line', Point[]>;
}

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * The curves of a history, in epochs (`step / stepsPerEpoch`): each training step, and at each
 * validation point the validation scores and the mean training scores of the steps since the previous
 * validation point (as `fit` records an epoch's training scores).
 */
export function curvePoints(history: History, stepsPerEpoch: number) {
  if (!(Number.isInteger(stepsPerEpoch) && stepsPerEpoch > 0))
    throw new Error(`curvePoints: stepsPerEpoch must be a positive integer, got ${stepsPerEpoch}`);
  const at = (p: CurvePoint, k: 'loss' | 'accuracy'): Point => ({
    x: p.step / stepsPerEpoch,
    y: finite(p[k]),
  });
  let from = 0;
  const means: { step: number; loss: number; accuracy: number }[] = [];
  for (const v of history.val) {
    const since: CurvePoint[] = [];
    while (from < history.train.length && (history.train[from] as CurvePoint).step <= v.step)
      since.push(history.train[from++] as CurvePoint);
    if (since.length > 0)
      means.push({
        step: v.step,
        loss: mean(since.map((p) => p.loss)),
        accuracy: mean(since.map((p) => p.accuracy)),
      });
  }
  const curves = (k: 'loss' | 'accuracy') => ({
    perStep: history.train.map((p) => at(p, k)),
    train: means.map((p) => at(p, k)),
    val: history.val.map((p) => at(p, k)),
  });
  return { loss: curves('loss'), accuracy: curves('accuracy') };
}

function line(
  label: string,
  color: string,
  data: Point[],
  extra: Partial<ChartDataset<'line', Point[]>> = {},
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
  } satisfies ChartDataset<'line', Point[]>;
}

/**
 * The page's two charts, as the report draws loss and accuracy: the training value of every step (a
 * thin light line), the training mean and the validation value at each validation point; x in epochs.
 * Nothing before the first step. `parsing: false` with min-max decimation: a long run's per-step line
 * is drawn with a few points per pixel.
 */
export function curveCharts(history: History, stepsPerEpoch: number): CurveChart[] {
  if (history.train.length === 0 && history.val.length === 0) return [];
  const points = curvePoints(history, stepsPerEpoch);
  const chart = (id: CurveId, title: string, yTitle: string, y: Record<string, unknown> = {}): CurveChart => {
    const c = points[id];
    const datasets = [
      line(`train ${id} (per step)`, PER_STEP, c.perStep, { pointRadius: 0, borderWidth: 1 }),
    ];
    if (c.train.length > 0) datasets.push(line(`train ${id}`, TRAIN, c.train));
    if (c.val.length > 0) datasets.push(line(`val ${id}`, VAL, c.val));
    return {
      id,
      title,
      config: {
        type: 'line',
        data: { datasets },
        options: {
          animation: false,
          responsive: true,
          maintainAspectRatio: false,
          parsing: false,
          normalized: true,
          interaction: { mode: 'nearest', intersect: false },
          plugins: { decimation: { enabled: true, algorithm: 'min-max' } },
          scales: {
            x: { type: 'linear', min: 0, title: { display: true, text: 'epoch' } },
            y: { type: 'linear', title: { display: true, text: yTitle }, ...y },
          },
        },
      },
    };
  };
  return [
    chart('loss', 'Loss, train vs validation', 'loss'),
    chart('accuracy', 'Accuracy, train vs validation', 'accuracy', { suggestedMax: 1 }),
  ];
}
