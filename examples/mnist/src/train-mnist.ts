import { randomTranslate } from '@convkit/augment';
import type { Rng } from '@convkit/backend';
import type { Module } from '@convkit/core';
import type { Dataset } from '@convkit/data';
import { type MnistCnn, type MnistCnnConfig, mnistCnn } from '@convkit/models';
import { AdamW, fit, type History, OneCycleLR } from '@convkit/trainer';
import type { Tensor4D } from '@tensorflow/tfjs-core';

/**
 * The defaults of `pnpm start`: the zoo's MNIST CNN at twice its width with BatchNorm, AdamW on a
 * one-cycle schedule, shifts of up to ±1.4 pixels, 3 epochs of batch 128: a little over three minutes on 2 cores
 * (result.json has the measured run; `--epochs 4` trains longer).
 */
export const TRAIN_DEFAULTS = {
  epochs: 3,
  batchSize: 128,
  /** OneCycleLR's peak rate (it starts at maxLr / 25 and ends near 0). */
  lr: 1e-2,
  weightDecay: 1e-2,
  /** Largest shift of the random translation, as a fraction of 28 pixels (0: no augmentation). */
  shift: 0.05,
  seed: 0,
} as const;

/** The model's options: the zoo's `mnist_cnn` with 16 and 32 channels and a BatchNorm after each conv. */
export const MODEL_OPTIONS: MnistCnnConfig = { widthMultiplier: 2, norm: 'batch' };

/** The example's model: `mnistCnn` of @convkit/models with {@link MODEL_OPTIONS}. */
export const buildModel = (seed: number): MnistCnn => mnistCnn({ ...MODEL_OPTIONS, rng: seed });

/** Options of {@link trainMnist}: the example's flags, and fit's `maxSteps` / `quiet` for its test. */
export interface TrainMnistOptions {
  epochs?: number;
  batchSize?: number;
  lr?: number;
  weightDecay?: number;
  shift?: number;
  seed?: number;
  maxSteps?: number;
  quiet?: boolean;
}

/**
 * Trains `model` on `trainSet` with `fit` of @convkit/trainer: softmax cross-entropy, AdamW with a
 * `OneCycleLR` schedule stepped per batch, random shifts (`randomTranslate` of @convkit/augment).
 * `fit` does the epochs, the seeded shuffling, the progress bar and the NaN guard.
 *
 * @example
 * const history = await trainMnist(buildModel(0), await loadMnist('train'));
 */
export async function trainMnist(
  model: Module,
  trainSet: Dataset,
  options: TrainMnistOptions = {},
): Promise<History> {
  const { epochs, batchSize, lr, weightDecay, shift, seed } = { ...TRAIN_DEFAULTS, ...options };
  const optimizer = new AdamW(model, { lr, weightDecay });
  const steps = Math.ceil(trainSet.count / batchSize) * epochs;
  const schedule = new OneCycleLR(optimizer, {
    maxLr: lr,
    totalSteps: options.maxSteps === undefined ? steps : Math.min(steps, options.maxSteps),
  });
  const augment =
    shift > 0 ? (x: Tensor4D, rng: Rng) => randomTranslate(x, rng, { maxFraction: shift }) : undefined;
  try {
    return await fit(model, trainSet, {
      epochs,
      batchSize,
      optimizer,
      schedule,
      augment,
      seed,
      maxSteps: options.maxSteps,
      quiet: options.quiet,
    });
  } finally {
    optimizer.dispose();
  }
}
