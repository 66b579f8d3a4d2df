import { checkNumber, checkPositiveInt } from '@convkit/backend';
import type { Module } from '@convkit/core';
import { type BatchOptions, batchCount, type Dataset } from '@convkit/data';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import type { Callback } from '../fit/callbacks';
import { fit } from '../fit/fit';
import type { LossFn } from '../fit/loss';
import { Adam } from '../optim/adam';
import type { Optimizer } from '../optim/optimizer';
import { num, type Verdict, withModelRestored, withoutDropout } from './verdict';

/** Options of {@link findLearningRate}. */
export interface LrFinderOptions {
  /** The first learning rate. Default 1e-7. */
  minLr?: number;
  /** The last learning rate. Default 10. */
  maxLr?: number;
  /** Steps of the sweep (fastai: 100; a few hundred for a smoother curve). Default 100. */
  steps?: number;
  /** Default 64. */
  batchSize?: number;
  /** The optimizer, built on the model (its `lr` is overwritten each step). Default: `new Adam(model, { lr: minLr })`. */
  optimizer?: (model: Module) => Optimizer;
  /** β of the loss's exponential smoothing (debiased, as fastai). Default 0.98. */
  smoothing?: number;
  /** Stop once the smoothed loss exceeds this many times its lowest value (or is NaN). Default 4. */
  divergeFactor?: number;
  loss?: LossFn;
  normalize?: BatchOptions['normalize'];
  /** Training-batch augmentation, as in `fit`. Default: none. */
  augment?: (x: Tensor4D, rng: import('@convkit/backend').Rng) => Tensor4D;
  /** Data order seed. Default 0. */
  seed?: number;
}

/** What {@link findLearningRate} found, with the curve to plot. */
export interface LrFinderVerdict extends Verdict {
  /** The steepest descent of the smoothed loss, before its minimum (fastai's `steep`); null when the loss never went down. */
  suggestedLr: number | null;
  /** The rate at the smoothed loss's minimum, divided by 10 (fastai's `minimum`); null as above. */
  minimumLr: number | null;
  /** True when the sweep stopped because the loss blew up. */
  diverged: boolean;
  /** Per step: the rate, the batch loss and the smoothed loss (plot `smoothed` against `lr` on a log axis). */
  curve: { lr: number[]; loss: number[]; smoothed: number[] };
}

/**
 * Step 3 of the lecture's recipe, fastai's `lr_find` (Smith 2015, "Cyclical Learning Rates"): train
 * for `steps` batches while the learning rate grows exponentially from `minLr` to `maxLr`, record the
 * loss, stop when it blows up. Too small a rate and the loss barely moves; too large and it explodes;
 * in between it falls fastest. The suggestion is the rate where the smoothed loss falls fastest
 * (steepest slope against log lr, before the minimum); `minimumLr` (a tenth of the rate at the
 * lowest loss) is the other classic pick. Regularization is off (dropout held in evaluation mode), and
 * the model is put back as it was afterwards.
 *
 * Options: `minLr` 1e-7, `maxLr` 10, `steps` 100, `batchSize` 64, `optimizer` (Adam), `smoothing`
 * 0.98, `divergeFactor` 4, `loss`, `normalize`, `augment`, `seed` 0.
 *
 * @example
 * const { suggestedLr, curve, message } = await findLearningRate(model, train, { normalize: MNIST_STATS });
 * const optimizer = new Adam(model, { lr: suggestedLr ?? 1e-3 });
 */
export async function findLearningRate(
  model: Module,
  data: Dataset,
  options: LrFinderOptions = {},
): Promise<LrFinderVerdict> {
  const who = 'findLearningRate';
  const minLr = checkNumber(who, 'minLr', options.minLr ?? 1e-7, { above: 0 });
  const maxLr = checkNumber(who, 'maxLr', options.maxLr ?? 10, { above: minLr });
  const steps = checkPositiveInt(who, 'steps', options.steps ?? 100);
  if (steps < 5) throw new Error(`${who}: steps must be at least 5 to draw a curve, got ${steps}`);
  const batchSize = checkPositiveInt(who, 'batchSize', options.batchSize ?? 64);
  const beta = checkNumber(who, 'smoothing', options.smoothing ?? 0.98, { min: 0, below: 1 });
  const divergeFactor = checkNumber(who, 'divergeFactor', options.divergeFactor ?? 4, { above: 1 });
  const lrAt = (i: number) => minLr * (maxLr / minLr) ** (i / (steps - 1));
  const curve = { lr: [] as number[], loss: [] as number[], smoothed: [] as number[] };
  let diverged = false;

  const sweep = async () => {
    const optimizer = options.optimizer ? options.optimizer(model) : new Adam(model, { lr: minLr });
    const setLr = (lr: number) => {
      for (const g of optimizer.paramGroups) g.lr = lr;
    };
    setLr(lrAt(0));
    let avg = 0;
    let best = Number.POSITIVE_INFINITY;
    const recorder: Callback = {
      onBatchEnd: (f, b) => {
        const i = curve.lr.length;
        avg = beta * avg + (1 - beta) * b.loss;
        const smoothed = avg / (1 - beta ** (i + 1));
        curve.lr.push(b.lr[0]);
        curve.loss.push(b.loss);
        curve.smoothed.push(smoothed);
        if (!Number.isFinite(smoothed) || b.skipped || smoothed > divergeFactor * best) {
          diverged = true;
          f.stop('stopped');
          return;
        }
        best = Math.min(best, smoothed);
        setLr(lrAt(i + 1));
      },
    };
    try {
      await fit(model, data, {
        epochs: Math.ceil(steps / batchCount(data, { batchSize })),
        maxSteps: steps,
        batchSize,
        optimizer,
        loss: options.loss,
        normalize: options.normalize,
        augment: options.augment,
        seed: options.seed ?? 0,
        nonFinite: 'skip',
        quiet: true,
        callbacks: [recorder],
      });
    } finally {
      optimizer.dispose();
    }
  };
  await withModelRestored(model, () => withoutDropout(model, sweep));
  return verdict(curve, diverged, minLr, maxLr);
}

function verdict(
  curve: LrFinderVerdict['curve'],
  diverged: boolean,
  minLr: number,
  maxLr: number,
): LrFinderVerdict {
  const who = 'findLearningRate';
  const s = curve.smoothed;
  const finite = s.map((v, i) => [v, i] as const).filter(([v]) => Number.isFinite(v));
  const [lowest, iMin] = finite.reduce((a, b) => (b[0] < a[0] ? b : a), [
    Number.POSITIVE_INFINITY,
    -1,
  ] as const);
  const first = s[0];
  const range = `${num(minLr)} to ${num(curve.lr.at(-1) ?? maxLr)}`;
  const base = { curve, diverged };
  if (iMin < 0 || iMin < 2) {
    return {
      ...base,
      ok: false,
      suggestedLr: null,
      minimumLr: null,
      message: `${who}: the loss blew up from the start (at lr ${num(curve.lr[0] ?? minLr)}): lower minLr, and check the data and initial loss (checkInitialLoss).`,
    };
  }
  if (!(lowest < 0.9 * first)) {
    return {
      ...base,
      ok: false,
      suggestedLr: null,
      minimumLr: null,
      message:
        `${who}: the loss never went down by 10 % while the learning rate grew from ${range} (${num(first)} → lowest ${num(lowest)}). ` +
        'Raise maxLr or the number of steps; if the loss still does not move, the model or the data pipeline is broken (see overfitSmallSample).',
    };
  }
  // Steepest descent of the smoothed loss against log10(lr), before its minimum (central differences).
  let steepest = 1;
  let slope = Number.POSITIVE_INFINITY;
  for (let i = 1; i < iMin; i++) {
    const g = (s[i + 1] - s[i - 1]) / (Math.log10(curve.lr[i + 1]) - Math.log10(curve.lr[i - 1]));
    if (g < slope) {
      slope = g;
      steepest = i;
    }
  }
  const suggestedLr = curve.lr[steepest];
  const minimumLr = curve.lr[iMin] / 10;
  const blewUp = diverged ? ` Above ${num(curve.lr.at(-1) as number)} the loss blew up.` : '';
  return {
    ...base,
    ok: true,
    suggestedLr,
    minimumLr,
    message:
      `${who}: the loss falls fastest at lr ${num(suggestedLr)} and is lowest at ${num(curve.lr[iMin])} (${num(first)} → ${num(lowest)}, smoothed).${blewUp} ` +
      `Suggested learning rate: ${num(suggestedLr)} (steepest descent; a tenth of the minimum, ${num(minimumLr)}, is the safer pick).`,
  };
}
