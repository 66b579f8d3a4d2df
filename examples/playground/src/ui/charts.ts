// Live loss and accuracy curves (train and validation) with uPlot.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { CurvePoint, History } from '../session';

const TRAIN = '#2563eb';
const VAL = '#ea580c';

/** Series aligned on the union of their steps (uPlot's data layout), null where a series has no point. */
export function alignCurves(history: History, value: (p: CurvePoint) => number): uPlot.AlignedData {
  const steps = [...new Set([...history.train, ...history.val].map((p) => p.step))].sort((a, b) => a - b);
  const at = (points: CurvePoint[]) => {
    const byStep = new Map(points.map((p) => [p.step, value(p)]));
    return steps.map((s) => byStep.get(s) ?? null);
  };
  return [steps, at(history.train), at(history.val)];
}

function chart(target: HTMLElement, title: string, yLabel: string, range?: [number, number]): uPlot {
  const opts: uPlot.Options = {
    title,
    width: Math.max(280, target.clientWidth || 420),
    height: 220,
    scales: { x: { time: false }, y: range ? { range } : { auto: true } },
    axes: [{ label: 'step' }, { label: yLabel }],
    series: [
      { label: 'step' },
      { label: 'train', stroke: TRAIN, width: 1.5, spanGaps: true },
      { label: 'validation', stroke: VAL, width: 2, spanGaps: true, points: { show: true, size: 5 } },
    ],
  };
  return new uPlot(opts, [[], [], []], target);
}

/** The two charts of the page; `update(history)` redraws them (at most once per animation frame). */
export class Curves {
  private readonly loss: uPlot;
  private readonly accuracy: uPlot;
  private pending: History | null = null;

  constructor(lossTarget: HTMLElement, accuracyTarget: HTMLElement) {
    this.loss = chart(lossTarget, 'Loss (cross-entropy)', 'loss');
    this.accuracy = chart(accuracyTarget, 'Accuracy', 'accuracy', [0, 1]);
    const resize = () => {
      for (const [c, t] of [
        [this.loss, lossTarget],
        [this.accuracy, accuracyTarget],
      ] as const) {
        c.setSize({ width: Math.max(280, t.clientWidth), height: 220 });
      }
    };
    new ResizeObserver(resize).observe(lossTarget);
  }

  update(history: History): void {
    const first = this.pending === null;
    this.pending = history;
    if (!first) return;
    requestAnimationFrame(() => {
      const h = this.pending;
      this.pending = null;
      if (h === null) return;
      this.loss.setData(alignCurves(h, (p) => p.loss));
      this.accuracy.setData(alignCurves(h, (p) => p.accuracy));
    });
  }
}
