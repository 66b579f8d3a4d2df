import { Rng } from '@convkit/backend';
import { crossEntropy, type Module, valueAndGrads } from '@convkit/core';
import { batchCount, batches, type Dataset } from '@convkit/data';
import { Adam } from '@convkit/trainer';
import { argMax, cast, dispose, equal, sum, tidy } from '@tensorflow/tfjs-core';

/** Progress of {@link train}, reported every `syncEvery` steps and at the end of each epoch. */
export interface TrainProgress {
  epoch: number;
  epochs: number;
  /** Steps done in this epoch. */
  step: number;
  stepsPerEpoch: number;
  /** Mean loss of the steps read since the epoch began. */
  meanLoss: number;
  /** Seconds since the epoch began. */
  seconds: number;
}

/** The defaults of {@link train}: 2 epochs reach ≥ 98% test accuracy. */
export const TRAIN_DEFAULTS = { epochs: 2, batchSize: 64, lr: 2e-3, seed: 0 } as const;

/** Options of {@link train}. */
export interface TrainOptions {
  /** Default 2. */
  epochs?: number;
  /** Default 64. */
  batchSize?: number;
  /** Adam's step size. Default 2e-3. */
  lr?: number;
  /** Shuffling seed. Default 0. */
  seed?: number;
  /** Stop after this many steps in all (a smoke test). Default: no limit. */
  maxSteps?: number;
  /** Read the loss back every this many steps (a GPU sync). Default 10. */
  syncEvery?: number;
  onProgress?: (progress: TrainProgress) => void;
}

/** What {@link train} did. */
export interface TrainResult {
  steps: number;
  seconds: number;
  /** The losses read back, with the global step (1-based) each belongs to. */
  losses: { step: number; loss: number }[];
}

/**
 * Trains `model` on `dataset` with softmax cross-entropy and Adam, shuffling each epoch.
 *
 * @example
 * const model = mnistCnn({ rng: 0 }); // @convkit/models
 * const { losses } = await train(model, await loadMnist('train'), { epochs: 2 });
 */
export async function train(
  model: Module,
  dataset: Dataset,
  options: TrainOptions = {},
): Promise<TrainResult> {
  const { epochs, batchSize, lr, seed } = { ...TRAIN_DEFAULTS, ...options };
  const maxSteps = options.maxSteps ?? Number.POSITIVE_INFINITY;
  const syncEvery = options.syncEvery ?? 10;
  const rng = new Rng(seed);
  const optimizer = new Adam(model, { lr });
  const stepsPerEpoch = batchCount(dataset, { batchSize });
  const losses: TrainResult['losses'] = [];
  const started = performance.now();
  let steps = 0;
  model.train();
  try {
    for (let epoch = 1; epoch <= epochs && steps < maxSteps; epoch++) {
      const epochStarted = performance.now();
      let step = 0;
      let lossSum = 0;
      let lossCount = 0;
      for (const { x, y } of batches(dataset, { batchSize, shuffle: true, rng })) {
        const { loss, grads } = valueAndGrads(model, () => crossEntropy(model.call(x), y));
        optimizer.step(grads);
        dispose([x, y, grads]);
        step++;
        steps++;
        const last = step === stepsPerEpoch || steps >= maxSteps;
        if (step % syncEvery === 0 || last) {
          const value = (await loss.data())[0];
          losses.push({ step: steps, loss: value });
          lossSum += value;
          lossCount++;
          const seconds = (performance.now() - epochStarted) / 1000;
          options.onProgress?.({
            epoch,
            epochs,
            step,
            stepsPerEpoch,
            meanLoss: lossSum / lossCount,
            seconds,
          });
        }
        loss.dispose();
        if (steps >= maxSteps) break;
      }
    }
  } finally {
    optimizer.dispose();
  }
  return { steps, seconds: (performance.now() - started) / 1000, losses };
}

/**
 * Top-1 accuracy of `model` (in eval mode) on `dataset`, in batches of `batchSize` (default 1000).
 *
 * @example
 * const acc = await evaluate(model, await loadMnist('test')); // e.g. 0.985
 */
export async function evaluate(model: Module, dataset: Dataset, batchSize = 1000): Promise<number> {
  const wasTraining = model.training;
  model.eval();
  let correct = 0;
  try {
    for (const { x, y } of batches(dataset, { batchSize })) {
      const hits = tidy(() => sum(cast(equal(argMax(model.call(x), 1), y), 'int32')));
      correct += (await hits.data())[0];
      dispose([x, y, hits]);
    }
  } finally {
    if (wasTraining) model.train();
  }
  return correct / dataset.count;
}
