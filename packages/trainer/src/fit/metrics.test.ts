import { useBackend } from '@convkit/backend/testing';
import { memory } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { toyDataset, toyModel } from '../test-helpers';
import { evaluate } from './evaluate';
import { metricKs, Tally } from './metrics';

describe('Tally', () => {
  it('sums the loss by samples, top-k hits and the confusion matrix', () => {
    const tally = new Tally(metricKs('test', ['accuracy', 'top2']), 3, true);
    // Top-2 indices of 4 samples, labels [0, 1, 2, 2]: hits top-1 for samples 0 and 3, top-2 for 0, 1, 3.
    tally.add(1.0, [0, 1], [0, 2, 2, 1]);
    tally.add(0.5, [2, 2], [0, 1, 2, 0]);
    expect(tally.scores()).toEqual({ loss: 0.75, accuracy: 0.5, top2: 0.75 });
    expect(tally.confusionMatrix()).toEqual([
      [1, 0, 0],
      [0, 0, 1],
      [1, 0, 1],
    ]);
    expect(tally.perClassAccuracy()).toEqual([1, 0, 0.5]);
    const copy = new Tally(metricKs('test', ['accuracy', 'top2']), 3, true);
    copy.setState(JSON.parse(JSON.stringify(tally.state())));
    expect(copy.scores()).toEqual(tally.scores());
    expect(copy.confusionMatrix()).toEqual(tally.confusionMatrix());
  });

  it('knows accuracy and top<k> only', () => {
    expect(() => metricKs('fit', ['accuracy', 'top0'])).toThrow(/fit: unknown metric 'top0'/);
    expect(() => metricKs('fit', ['Accuracy'])).toThrow(/did you mean 'accuracy'/);
  });
});

describe('evaluate [cpu]', () => {
  useBackend('cpu');

  it('gives the loss, metrics, per-class accuracy and confusion matrix in evaluation mode, restoring the mode, leaking nothing', async () => {
    const model = toyModel(0);
    const data = toyDataset(30, 2, 4);
    const before = memory().numTensors;
    const r = await evaluate(model, data, { batchSize: 7, metrics: ['accuracy', 'top4'] });
    expect(memory().numTensors).toBe(before);
    expect(model.training).toBe(true);
    expect(r.count).toBe(30);
    expect(r.classes).toEqual(['class0', 'class1', 'class2', 'class3']);
    const cm = r.confusionMatrix;
    expect(cm.map((row) => row.reduce((a, b) => a + b))).toEqual([8, 8, 7, 7]);
    expect(r.scores.accuracy).toBeCloseTo(cm.reduce((s, row, i) => s + row[i], 0) / 30, 12);
    expect(r.scores.top4).toBe(1);
    r.perClassAccuracy.forEach((a, c) => {
      expect(a).toBeCloseTo(cm[c][c] / cm[c].reduce((x, y) => x + y), 12);
    });
    // Evaluation mode: the same loss however the data are batched (BatchNorm uses running statistics).
    const whole = await evaluate(model, data, { batchSize: 30 });
    expect(whole.scores.loss).toBeCloseTo(r.scores.loss, 5);
    model.dispose();
  });
});
