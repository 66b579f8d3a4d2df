import { checkNumber, checkPositiveInt } from '@convkit/backend';
import type { Module } from '@convkit/core';
import { type BatchOptions, batches, type Dataset, slice } from '@convkit/data';
import {
  dispose,
  mean,
  moments,
  reshape,
  square,
  stack,
  type Tensor,
  type Tensor4D,
  tidy,
} from '@tensorflow/tfjs-core';
import { type LossFn, resolveLoss } from '../fit/loss';
import { num, type Verdict, withModelRestored, withoutDropout } from './verdict';

/** Options of {@link checkInitialLoss}. */
export interface InitialLossOptions {
  /** Samples measured: the first `samples` of the data. Default 256. */
  samples?: number;
  /** Default 64. */
  batchSize?: number;
  /** The training loss (default: cross-entropy, with `labelSmoothing`). */
  loss?: LossFn;
  labelSmoothing?: number;
  /** How far from ln C the loss may be, relative (0.2: within ±20 %). Default 0.2. */
  tolerance?: number;
  /** Per-channel standardization of pixels, as `fit` takes it. Default: none. */
  normalize?: BatchOptions['normalize'];
  /** A deterministic transform of each batch (an augmentation pipeline's `eval`). Default: none. */
  preprocess?: (x: Tensor4D) => Tensor4D;
}

/** What {@link checkInitialLoss} measured. */
export interface InitialLossVerdict extends Verdict {
  /** The mean loss before training. */
  loss: number;
  /** ln C: the loss of a uniform guess over C classes. */
  expected: number;
  classes: number;
  /** loss / expected. */
  ratio: number;
  /** Standard deviation of the logits (near 0 expected at initialization). */
  logitStd: number;
  /** Mean and standard deviation of the model's inputs (about 0 and 1 expected). */
  input: { mean: number; std: number };
}

/**
 * Step 1 of the lecture's recipe: the loss before any training must be about ln C for C classes — an
 * untrained classifier's softmax is near uniform, and the cross-entropy of a uniform guess is −ln(1/C)
 * (2.30 for 10 classes) whatever the labels (label smoothing included). Far above means confident,
 * wrong initial logits (an initialization or input scale problem); near 0 means the labels leak into
 * the inputs or the loss is miswired; NaN means something is broken before the first step.
 *
 * Measured in training mode (BatchNorm on batch statistics, as in the first step) with regularization
 * off (dropout held in evaluation mode); the model is left exactly as it was. Returns a verdict with
 * the loss, ln C, their ratio, the logits' spread and the inputs' mean and std, and a message saying
 * what is wrong when it is not ok.
 *
 * Options: `samples` 256, `batchSize` 64, `loss` (cross-entropy), `labelSmoothing` 0, `tolerance` 0.2,
 * `normalize`, `preprocess`.
 *
 * @example
 * const v = await checkInitialLoss(createModel('resnet20_mnist'), train, { normalize: MNIST_STATS });
 * console.log(v.message); // "checkInitialLoss: the loss before training is 2.31, close to ln(10) = 2.3 …"
 */
export async function checkInitialLoss(
  model: Module,
  data: Dataset,
  options: InitialLossOptions = {},
): Promise<InitialLossVerdict> {
  const who = 'checkInitialLoss';
  const samples = checkPositiveInt(who, 'samples', options.samples ?? 256);
  const batchSize = checkPositiveInt(who, 'batchSize', options.batchSize ?? 64);
  const tolerance = checkNumber(who, 'tolerance', options.tolerance ?? 0.2, { above: 0 });
  const lossFn = resolveLoss(who, options.loss, options.labelSmoothing);
  const C = data.classes.length;
  if (C < 2) throw new Error(`${who}: needs at least 2 classes, the data has ${C}`);
  const subset = slice(data, 0, samples);
  // Per batch: [loss, input mean, input mean square, logit variance], weighted by the batch size.
  const sums = [0, 0, 0, 0];
  await withModelRestored(model, () =>
    withoutDropout(model, async () => {
      model.train();
      for (const { x, y } of batches(subset, { batchSize, normalize: options.normalize })) {
        const owned: Tensor[] = [x, y];
        try {
          const stats = tidy(() => {
            const input = options.preprocess ? options.preprocess(x) : x;
            const logits = model.call(input);
            const z = moments(logits);
            return stack([
              reshape(lossFn(logits, y), []),
              mean(input),
              mean(square(input)),
              reshape(z.variance, []),
            ]);
          });
          owned.push(stats);
          const v = await stats.data();
          for (let i = 0; i < 4; i++) sums[i] += v[i] * x.shape[0];
        } finally {
          dispose(owned);
        }
      }
    }),
  );
  const n = subset.count;
  const [loss, inMean, inSq, logitVar] = sums.map((s) => s / n);
  const expected = Math.log(C);
  const ratio = loss / expected;
  const input = { mean: inMean, std: Math.sqrt(Math.max(0, inSq - inMean * inMean)) };
  const logitStd = Math.sqrt(logitVar);
  const base = { loss, expected, classes: C, ratio, logitStd, input };
  const head = `${who}: the loss before training is ${num(loss)}`;
  const chance = `ln(${C}) = ${num(expected)}`;
  const unscaled = Math.abs(input.mean) > 5 || input.std > 5;
  const inputHint = unscaled
    ? ` The inputs are not standardized (mean ${num(input.mean)}, std ${num(input.std)}; about 0 and 1 are expected): pass \`normalize\` (e.g. MNIST_STATS) or an augmentation pipeline's normalization.`
    : '';
  if (!Number.isFinite(loss)) {
    return {
      ...base,
      ok: false,
      message:
        `${head} on ${n} samples: something is broken before the first step. Look for NaN or ±∞ in the inputs ` +
        `(their mean is ${num(input.mean)}), a log or division by 0 in the loss, or a layer that overflows.`,
    };
  }
  if (ratio > 1 + tolerance) {
    return {
      ...base,
      ok: false,
      message:
        `${head}, ${num(ratio)}× ${chance} (the loss of a uniform guess): the initial predictions are confident and wrong. ` +
        `The logits spread too widely (std ${num(logitStd)}; near 0 is expected at initialization): initialize the last layer with smaller weights (or zeros).${inputHint}`,
    };
  }
  if (ratio < 0.1) {
    return {
      ...base,
      ok: false,
      message:
        `${head}, far below ${chance}: the model predicts the labels before training. The labels leak into the inputs, ` +
        'the loss does not compare the logits with the labels, or the model is already trained (a pretrained model is expected to be below ln C).',
    };
  }
  if (ratio < 1 - tolerance) {
    return {
      ...base,
      ok: false,
      message:
        `${head}, below ${chance} (a uniform guess): better than chance before training. Expected for a pretrained model; ` +
        'for a fresh one, look for labels leaking into the inputs or a loss that is not the mean cross-entropy.',
    };
  }
  return {
    ...base,
    ok: true,
    message: `${head}, close to ${chance}, the loss of a uniform guess over ${C} classes: the model and the loss are wired right.${inputHint}`,
  };
}
