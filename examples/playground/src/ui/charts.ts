// Live loss and accuracy curves (train and validation) with Chart.js, the charting library of the
// trainer's report, in the report's figures (a title over each chart). Only the Chart.js parts a line
// chart needs are registered (page weight).
import {
  Chart,
  Decimation,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';
import { type CurveId, curveCharts } from '../curves';
import type { History } from '../session';

Chart.register(LineController, LineElement, PointElement, LinearScale, Legend, Tooltip, Decimation);

/** The most redraws a second while training, whatever the rate of steps (each redraws every point). */
export const REDRAWS_PER_SECOND = 4;

/**
 * The two charts of the page, drawn into their slots. `update(history, stepsPerEpoch)` redraws them at
 * most {@link REDRAWS_PER_SECOND} times a second, with the newest history it was given.
 */
export class Curves {
  private readonly slots: Record<CurveId, HTMLElement>;
  private readonly charts = new Map<CurveId, Chart<'line', { x: number; y: number | null }[]>>();
  private pending: { history: History; stepsPerEpoch: number } | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastDraw = Number.NEGATIVE_INFINITY;

  constructor(lossSlot: HTMLElement, accuracySlot: HTMLElement) {
    this.slots = { loss: lossSlot, accuracy: accuracySlot };
  }

  update(history: History, stepsPerEpoch: number): void {
    this.pending = { history, stepsPerEpoch };
    if (this.timer !== undefined) return;
    const wait = Math.max(0, this.lastDraw + 1000 / REDRAWS_PER_SECOND - performance.now());
    this.timer = setTimeout(() => requestAnimationFrame(() => this.draw()), wait);
  }

  private draw(): void {
    this.timer = undefined;
    this.lastDraw = performance.now();
    const p = this.pending;
    this.pending = null;
    if (p === null) return;
    const made = curveCharts(p.history, p.stepsPerEpoch);
    for (const id of ['loss', 'accuracy'] as const) {
      const next = made.find((c) => c.id === id);
      const chart = this.charts.get(id);
      if (next === undefined) {
        // A new run, no step yet.
        chart?.destroy();
        this.charts.delete(id);
        this.slots[id].replaceChildren();
      } else if (chart === undefined) {
        const figure = document.createElement('figure');
        figure.className = 'chart';
        figure.id = `chart-${id}`;
        const caption = document.createElement('figcaption');
        caption.textContent = next.title;
        const box = document.createElement('div');
        box.className = 'chart-box';
        const canvas = document.createElement('canvas');
        box.append(canvas);
        figure.append(caption, box);
        this.slots[id].replaceChildren(figure);
        this.charts.set(id, new Chart(canvas, next.config));
      } else {
        const datasets = next.config.data.datasets;
        const same =
          datasets.length === chart.data.datasets.length &&
          datasets.every((d, i) => d.label === chart.data.datasets[i]?.label);
        // The same series: new points only (decimation keeps its own copy through `data`'s setter).
        if (same) {
          for (const [i, d] of datasets.entries()) {
            const shown = chart.data.datasets[i];
            if (shown !== undefined) shown.data = d.data;
          }
        } else chart.data.datasets = datasets;
        chart.update('none');
      }
    }
  }
}
