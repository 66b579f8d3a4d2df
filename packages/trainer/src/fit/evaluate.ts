import { checkPositiveInt } from '@convkit/backend';
import type { Module } from '@convkit/core';
import { type BatchOptions, batches, type Dataset } from '@convkit/data';
import { dispose, type Tensor, type Tensor4D, tidy } from '@tensorflow/tfjs-core';
import { type LossFn, resolveLoss } from './loss';
import { metricKs, type Scores, Tally } from './metrics';

/** Options of {@link evaluate}. */
export interface EvaluateOptions {
  /** Samples per batch. Default 256. */
  batchSize?: number;
  /** The loss, `(logits, labels) => Scalar` (batch mean). Default: `crossEntropy` (with `labelSmoothing`). */
  loss?: LossFn;
  /** ε of the default loss's label smoothing. Default 0. */
  labelSmoothing?: number;
  /** `'accuracy'` and `'top<k>'` names. Default `['accuracy']`. */
  metrics?: string[];
  /**
   * A deterministic transform of each batch before the model, e.g. an augmentation pipeline's
   * evaluation mode (`pipeline.eval`: its normalization). Default: none.
   */
  preprocess?: (x: Tensor4D) => Tensor4D;
  /** Per-channel standardization of the pixels, as `batches` does it. Default: none (x = p/255). */
  normalize?: BatchOptions['normalize'];
}

/** What {@link evaluate} measured on a dataset. */
export interface Evaluation {
  /** The mean loss and each metric, in [0, 1]. */
  scores: Scores;
  /** Accuracy of each class, in class order; null for a class without samples. */
  perClassAccuracy: (number | null)[];
  /** `confusionMatrix[true][predicted]`: sample counts, top-1 predictions. */
  confusionMatrix: number[][];
  /** The dataset's class names. */
  classes: string[];
  /** Samples evaluated. */
  count: number;
  /** Wall-clock seconds. */
  seconds: number;
}

/**
 * The loss and metrics of `model` on `dataset`, in evaluation mode (BatchNorm uses its running
 * statistics, dropout is off; the mode is restored after), with the per-class accuracy and the
 * confusion matrix: Keras's `model.evaluate`, Lightning's `trainer.validate`.
 *
 * Each batch's loss and top-k predictions are read back once (`await data()`, so it runs on every
 * backend), then summed in JavaScript; the loss is averaged over samples. No tensor outlives the call.
 *
 * Options: `batchSize` (256), `loss` (cross-entropy), `labelSmoothing` (0), `metrics` (['accuracy']),
 * `preprocess` (none), `normalize` (none).
 *
 * @example
 * const { scores, confusionMatrix } = await evaluate(model, testSet, { metrics: ['accuracy', 'top5'] });
 * console.log(scores.loss, scores.accuracy, scores.top5);
 */
export async function evaluate(
  model: Module,
  dataset: Dataset,
  options: EvaluateOptions = {},
): Promise<Evaluation> {
  const who = 'evaluate';
  const batchSize = checkPositiveInt(who, 'batchSize', options.batchSize ?? 256);
  const lossFn = resolveLoss(who, options.loss, options.labelSmoothing);
  const tally = new Tally(metricKs(who, options.metrics ?? ['accuracy']), dataset.classes.length, true);
  const started = performance.now();
  const wasTraining = model.training;
  model.eval();
  try {
    for (const { x, y } of batches(dataset, { batchSize, normalize: options.normalize })) {
      const owned: Tensor[] = [x, y];
      try {
        const { loss, top } = tidy(() => {
          const input = options.preprocess ? options.preprocess(x) : x;
          const logits = model.call(input);
          const top = tally.predictions(logits);
          return { loss: lossFn(logits, y), ...(top ? { top } : {}) };
        });
        owned.push(loss, ...(top ? [top] : []));
        const [lossValue, labels, indices] = await Promise.all([loss.data(), y.data(), top?.data() ?? null]);
        tally.add(lossValue[0], labels, indices);
      } finally {
        dispose(owned);
      }
    }
  } finally {
    if (wasTraining) model.train();
  }
  return {
    scores: tally.scores(),
    perClassAccuracy: tally.perClassAccuracy(),
    confusionMatrix: tally.confusionMatrix(),
    classes: [...dataset.classes],
    count: tally.samples,
    seconds: (performance.now() - started) / 1000,
  };
}
