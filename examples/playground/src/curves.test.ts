import { describe, expect, it } from 'vitest';
import { curveCharts, curvePoints } from './curves';
import type { History } from './session';

const pt = (step: number, loss: number, accuracy: number) => ({ step, loss, accuracy });

const labels = (charts: ReturnType<typeof curveCharts>, id: string) =>
  charts.find((c) => c.id === id)?.config.data.datasets.map((d) => d.label);
const data = (charts: ReturnType<typeof curveCharts>, id: string, label: string) =>
  charts.find((c) => c.id === id)?.config.data.datasets.find((d) => d.label === label)?.data;

describe('curvePoints', () => {
  it('puts every step in epochs, and at each validation point the mean training scores since the last one', () => {
    const h: History = {
      train: [pt(1, 2, 0.1), pt(2, 1, 0.3), pt(3, 0.5, 0.5), pt(4, 0.3, 0.7)],
      val: [pt(2, 1.5, 0.2), pt(4, 0.4, 0.6)],
    };
    const c = curvePoints(h, 4);
    expect(c.loss.perStep).toEqual([
      { x: 0.25, y: 2 },
      { x: 0.5, y: 1 },
      { x: 0.75, y: 0.5 },
      { x: 1, y: 0.3 },
    ]);
    expect(c.loss.train).toEqual([
      { x: 0.5, y: 1.5 },
      { x: 1, y: 0.4 },
    ]);
    expect(c.accuracy.train).toEqual([
      { x: 0.5, y: 0.2 },
      { x: 1, y: 0.6 },
    ]);
    expect(c.accuracy.val).toEqual([
      { x: 0.5, y: 0.2 },
      { x: 1, y: 0.6 },
    ]);
  });

  it('has no training mean at a validation point with no step before it (a restored history), and gaps for non-finite values', () => {
    const c = curvePoints({ train: [pt(9, Number.NaN, 0.5)], val: [pt(8, 0.4, 0.9)] }, 4);
    expect(c.loss.train).toEqual([]);
    expect(c.loss.val).toEqual([{ x: 2, y: 0.4 }]);
    expect(c.loss.perStep).toEqual([{ x: 2.25, y: null }]);
  });

  it('refuses a bad stepsPerEpoch, naming it', () => {
    expect(() => curvePoints({ train: [], val: [] }, 0)).toThrow(/stepsPerEpoch.*got 0/);
  });
});

describe('curveCharts', () => {
  it('gives no chart before the first step', () => {
    expect(curveCharts({ train: [], val: [] }, 10)).toEqual([]);
  });

  it('gives both charts from the first step, per-step lines only until the first validation', () => {
    const charts = curveCharts({ train: [pt(1, 2.3, 0.1), pt(2, 2.1, 0.2)], val: [] }, 10);
    expect(charts.map((c) => c.id)).toEqual(['loss', 'accuracy']);
    expect(labels(charts, 'loss')).toEqual(['train loss (per step)']);
    expect(labels(charts, 'accuracy')).toEqual(['train accuracy (per step)']);
    expect(data(charts, 'accuracy', 'train accuracy (per step)')).toEqual([
      { x: 0.1, y: 0.1 },
      { x: 0.2, y: 0.2 },
    ]);
    const x = charts[0]?.config.options?.scales?.x as { title: { text: string } };
    expect(x.title.text).toBe('epoch');
  });

  it('adds the training mean and validation lines in the report colours once there is a validation point', () => {
    const charts = curveCharts({ train: [pt(1, 2, 0.1), pt(2, 1, 0.3)], val: [pt(2, 1.2, 0.25)] }, 2);
    expect(labels(charts, 'loss')).toEqual(['train loss (per step)', 'train loss', 'val loss']);
    expect(labels(charts, 'accuracy')).toEqual([
      'train accuracy (per step)',
      'train accuracy',
      'val accuracy',
    ]);
    expect(data(charts, 'loss', 'val loss')).toEqual([{ x: 1, y: 1.2 }]);
    expect(data(charts, 'accuracy', 'train accuracy')).toEqual([{ x: 1, y: 0.2 }]);
    const colors = charts[0]?.config.data.datasets.map((d) => d.borderColor);
    expect(colors).toEqual(['#aec7e8', '#1f77b4', '#ff7f0e']);
  });
});
