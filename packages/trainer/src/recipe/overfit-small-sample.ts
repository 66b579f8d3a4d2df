import { checkNumber, checkPositiveInt } from '@convkit/backend';
import type { Module } from '@convkit/core';
import { type BatchOptions, type Dataset, slice } from '@convkit/data';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import type { Callback } from '../fit/callbacks';
import { fit } from '../fit/fit';
import type { LossFn } from '../fit/loss';
import { Adam } from '../optim/adam';
import type { Optimizer } from '../optim/optimizer';
import { num, pct, type Verdict, withModelRestored, withoutDropout } from './verdict';

/** Options of {@link overfitSmallSample}. */
export interface OverfitOptions {
  /** Samples to overfit: the first `samples` of the data (the lecture says 20–50). Default 32. */
  samples?: number;
  /** Default: all samples in one batch. */
  batchSize?: number;
  /** Steps at most. Default 300. */
  maxSteps?: number;
  /** The train accuracy to reach, in (0, 1]. Default 1 (every sample). */
  target?: number;
  /** The optimizer, built on the model. Default: `new Adam(model, { lr: 3e-3 })` without weight decay. */
  optimizer?: (model: Module) => Optimizer;
  loss?: LossFn;
  normalize?: BatchOptions['normalize'];
  /** A deterministic transform of each batch (an augmentation pipeline's `eval`; no random augmentation here). */
  preprocess?: (x: Tensor4D) => Tensor4D;
  /** Keep the trained weights (default false: the model is put back as it was). */
  keepWeights?: boolean;
}

/** What {@link overfitSmallSample} reached. */
export interface OverfitVerdict extends Verdict {
  samples: number;
  /** Steps taken (fewer than `maxSteps` when the target was reached). */
  steps: number;
  /** The best train accuracy of an epoch over the sample. */
  accuracy: number;
  /** The loss of the first and the last epoch over the sample. */
  firstLoss: number;
  lastLoss: number;
  /** Per step: the loss (the curve to plot). */
  losses: number[];
}

/**
 * Step 2 of the lecture's recipe: with regularization off (dropout held in evaluation mode, no weight
 * decay, no augmentation), a model that can learn, trained on a few samples, reaches ~100 % training
 * accuracy and a loss near 0 within a few hundred steps. If it cannot, the network, the optimizer's
 * settings or the data pipeline (labels that do not go with their images, a frozen or detached part)
 * is broken, and longer training on the full data will not help.
 *
 * Trains with `fit` on the first `samples` samples (in a fixed order, one batch by default) until the
 * training accuracy of an epoch reaches `target` or `maxSteps` steps; then puts the model back as it
 * was (unless `keepWeights`). The verdict says what it reached and, when it fell short, what to look at.
 *
 * Options: `samples` 32, `batchSize` (= samples), `maxSteps` 300, `target` 1, `optimizer`
 * (Adam, lr 3e-3), `loss`, `normalize`, `preprocess`, `keepWeights` false.
 *
 * @example
 * const v = await overfitSmallSample(model, train, { normalize: MNIST_STATS });
 * v.ok; // true: "reached 100.0 % training accuracy on 32 samples in 41 steps …"
 */
export async function overfitSmallSample(
  model: Module,
  data: Dataset,
  options: OverfitOptions = {},
): Promise<OverfitVerdict> {
  const who = 'overfitSmallSample';
  const samples = Math.min(checkPositiveInt(who, 'samples', options.samples ?? 32), data.count);
  const batchSize = checkPositiveInt(who, 'batchSize', options.batchSize ?? samples);
  const maxSteps = checkPositiveInt(who, 'maxSteps', options.maxSteps ?? 300);
  const target = checkNumber(who, 'target', options.target ?? 1, { above: 0, max: 1 });
  const small = slice(data, 0, samples);
  const run = async () => {
    const optimizer = options.optimizer ? options.optimizer(model) : new Adam(model, { lr: 3e-3 });
    const reached: Callback = {
      onEpochEnd: (f, r) => {
        if ((r.train.accuracy ?? 0) >= target) f.stop('stopped');
      },
    };
    try {
      return await fit(model, small, {
        epochs: Math.ceil(maxSteps / Math.ceil(samples / batchSize)),
        maxSteps,
        batchSize,
        optimizer,
        shuffle: false,
        loss: options.loss,
        normalize: options.normalize,
        augment: options.preprocess ? (x) => (options.preprocess as (x: Tensor4D) => Tensor4D)(x) : undefined,
        nonFinite: 'skip',
        quiet: true,
        callbacks: [reached],
      });
    } finally {
      optimizer.dispose();
    }
  };
  const train = () => withoutDropout(model, run);
  const history = options.keepWeights ? await train() : await withModelRestored(model, train);
  const epochs = history.epochs;
  const accuracy = Math.max(0, ...epochs.map((e) => e.train.accuracy ?? 0));
  const firstLoss = epochs[0]?.train.loss ?? Number.NaN;
  const lastLoss = epochs.at(-1)?.train.loss ?? Number.NaN;
  const steps = history.steps.at(-1)?.step ?? 0;
  const losses = history.steps.map((s) => s.loss);
  const trainable = model.namedParameters().filter(([, p]) => p.trainable).length;
  const total = model.namedParameters().length;
  const base = { samples, steps, accuracy, firstLoss, lastLoss, losses };
  const head = `${who}: `;
  if (accuracy >= target) {
    return {
      ...base,
      ok: true,
      message:
        `${head}reached ${pct(accuracy)} training accuracy on ${samples} samples in ${steps} steps (loss ${num(firstLoss)} → ${num(lastLoss)}): ` +
        'the model can learn and the data pipeline is wired right. Next: findLearningRate on the full data.',
    };
  }
  const why: string[] = [];
  if (losses.some((l) => !Number.isFinite(l)) || lastLoss > firstLoss) {
    why.push('the loss went up or became NaN: the learning rate is too high (try a tenth of it)');
  } else if (lastLoss > 0.5 * firstLoss) {
    why.push(
      `the loss fell only from ${num(firstLoss)} to ${num(lastLoss)}: the learning rate may be too low (see findLearningRate)`,
    );
  }
  if (trainable < total) why.push(`${total - trainable} of ${total} parameters are frozen`);
  why.push(
    'the model may be too small for the task, or the labels may not go with their images (check a few by eye)',
  );
  return {
    ...base,
    ok: false,
    message:
      `${head}did not reach ${pct(target)} training accuracy on ${samples} samples in ${steps} steps ` +
      `(best ${pct(accuracy)}, loss ${num(firstLoss)} → ${num(lastLoss)}). A model that cannot overfit a few samples will not learn the full set: ${why.join('; ')}.`,
  };
}
