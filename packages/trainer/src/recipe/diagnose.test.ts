import { describe, expect, it } from 'vitest';
import type { History } from '../fit/history';
import { diagnose } from './diagnose';

/** A history with these per-step losses and per-epoch train / validation scores (10 classes). */
function history(
  stepLosses: number[],
  epochs: { train: [number, number]; val?: [number, number] }[],
): History {
  const perEpoch = Math.floor(stepLosses.length / epochs.length);
  return {
    version: 1,
    meta: { classes: Array.from({ length: 10 }, (_, i) => String(i)) } as History['meta'],
    steps: stepLosses.map((loss, i) => ({
      step: i + 1,
      epoch: Math.floor(i / perEpoch) + 1,
      loss,
      lr: [0.1],
    })),
    epochs: epochs.map((e, i) => ({
      epoch: i + 1,
      step: (i + 1) * perEpoch,
      lr: [0.1],
      train: { loss: e.train[0], accuracy: e.train[1] },
      ...(e.val ? { val: { loss: e.val[0], accuracy: e.val[1] } } : {}),
      skipped: 0,
      seconds: { train: 1, val: 0, total: 1 },
    })),
    lastValidation: null,
    stopReason: 'completed',
    best: null,
  };
}

/** n losses from a to b along a curve that levels off (exponential decay). */
const decay = (n: number, a: number, b: number) =>
  Array.from({ length: n }, (_, i) => b + (a - b) * Math.exp(-6 * (i / n)));

describe('diagnose', () => {
  it('a good fit: the loss falls and levels off, validation follows training', () => {
    const v = diagnose(
      history(decay(100, 2.3, 0.1), [
        { train: [0.8, 0.8], val: [0.5, 0.85] },
        { train: [0.2, 0.95], val: [0.25, 0.93] },
        { train: [0.1, 0.97], val: [0.2, 0.95] },
      ]),
    );
    expect(v.ok).toBe(true);
    expect(v.findings.map((f) => f.kind)).toEqual(['good-fit']);
  });

  it('overfitting: training loss falls while validation loss climbs back up', () => {
    const v = diagnose(
      history(decay(100, 2.3, 0.01), [
        { train: [0.5, 0.85], val: [0.4, 0.88] },
        { train: [0.1, 0.97], val: [0.35, 0.9] },
        { train: [0.02, 1.0], val: [0.6, 0.88] },
      ]),
    );
    expect(v.ok).toBe(false);
    expect(v.findings.map((f) => f.kind)).toEqual(['overfitting']);
    expect(v.message).toMatch(
      /overfitting: training loss 0\.02 vs validation loss 0\.6; validation loss lowest at epoch 2 \(0\.35\), higher since; accuracy 100\.0 % train vs 88\.0 % validation\. Add regularization/,
    );
  });

  it('underfitting: both curves stay high', () => {
    const v = diagnose(
      history(decay(100, 2.3, 1.6), [
        { train: [1.9, 0.35], val: [1.85, 0.36] },
        { train: [1.7, 0.42], val: [1.7, 0.41] },
        { train: [1.6, 0.45], val: [1.62, 0.44] },
      ]),
    );
    expect(v.findings.map((f) => f.kind)).toEqual(['underfitting']);
    expect(v.message).toMatch(
      /underfitting: both curves stay high \(training accuracy 45\.0 %, validation 44\.0 %\)/,
    );
  });

  it('learning rate too high: the loss rises, or becomes NaN', () => {
    const rising = Array.from({ length: 60 }, (_, i) => 2.3 + 0.02 * i + 0.3 * Math.sin(i));
    const v = diagnose(history(rising, [{ train: [2.5, 0.1] }, { train: [3.0, 0.1] }]));
    expect(v.findings.map((f) => f.kind)).toContain('lr-too-high');
    const nan = diagnose(history([2.3, 2.2, 5.0, Number.NaN], [{ train: [Number.NaN, 0.1] }]));
    expect(nan.findings[0].kind).toBe('diverged');
    expect(nan.message).toMatch(
      /the loss became NaN at step 4 \(lr 0\.1\): the learning rate is far too high/,
    );
  });

  it('learning rate too low: a slow, steady, straight descent', () => {
    const slow = Array.from({ length: 100 }, (_, i) => 2.3 - 0.004 * i);
    const v = diagnose(
      history(slow, [
        { train: [2.2, 0.2], val: [2.2, 0.2] },
        { train: [2.0, 0.25], val: [2.0, 0.25] },
      ]),
    );
    expect(v.findings.map((f) => f.kind)).toContain('lr-too-low');
    expect(v.message).toMatch(
      /falls slowly and steadily \(2\.28 → 1\.92, −15\.\d %, not leveling off\): the learning rate is too low/,
    );
  });

  it('takes a history back from JSON (NaN became null)', () => {
    const h = JSON.parse(JSON.stringify(history([2.3, Number.NaN], [{ train: [2.3, 0.1] }])));
    expect(diagnose(h).findings[0].kind).toBe('diverged');
  });
});
