// The Fashion-MNIST run as a function: model from the zoo, SGD with weight decay, one-cycle schedule,
// crop-and-flip augmentation, `fit` and `evaluate` of @convkit/trainer. train.ts is its command line;
// train.test.ts runs it on a few hundred images.
import { compose, FASHION_MNIST_STATS, fixed, normalizeChannels, randomCrop, step } from '@convkit/augment';
import { batchCount, type Dataset } from '@convkit/data';
import { createModel, type ZooModel } from '@convkit/models';
import { paramGroups } from '@convkit/regularization';
import {
  type BatchEnd,
  type Callback,
  type EpochRecord,
  evaluate,
  fit,
  OneCycleLR,
  SGD,
} from '@convkit/trainer';

/** Options of {@link trainFashionMnist}; every one has a default (the README's run). */
export interface FashionOptions {
  /** A 28×28, 1-channel zoo model. Default 'resnet20_mnist' (He et al.'s CIFAR ResNet-20, 3×3 stem). */
  model: string;
  /** Scales the stage widths (resnet20: 16, 32, 64). Default 1. */
  widthMultiplier: number;
  epochs: number;
  batchSize: number;
  /** Peak learning rate of the one-cycle schedule (SGD, Nesterov momentum 0.9 cycled 0.85–0.95). */
  lr: number;
  /** Coupled L2 weight decay on conv and linear weights (not on biases or BatchNorm). */
  weightDecay: number;
  labelSmoothing: number;
  /** Pad-and-crop padding in pixels (0: no crop). */
  padding: number;
  /** Horizontal-flip probability (0: no flip). */
  flip: number;
  seed: number;
  /**
   * A wall-clock budget in minutes (0: off). With it the run trains until the budget is spent
   * (at most `epochs` epochs): the rate warms up linearly over the first 5 % of the budget, then
   * decays linearly to 0 at its end ("budgeted training", Li et al. 2020), by elapsed time instead
   * of by step, so the run ends annealed whatever the machine's speed. Not reproducible step for step.
   */
  minutes: number;
}

export const DEFAULTS: FashionOptions = {
  model: 'resnet20_mnist',
  widthMultiplier: 1,
  epochs: 12,
  batchSize: 128,
  lr: 0.1,
  weightDecay: 5e-4,
  labelSmoothing: 0.1,
  padding: 2,
  flip: 0.5,
  seed: 0,
  minutes: 0,
};

/** What a run measured. */
export interface FashionResult {
  model: ZooModel;
  parameters: number;
  /** Test accuracy in [0, 1] and the number of correct test images. */
  accuracy: number;
  correct: number;
  testImages: number;
  /** Per-epoch training loss / accuracy (on augmented batches) and seconds. */
  epochs: EpochRecord[];
  trainSeconds: number;
  testSeconds: number;
  steps: number;
  /** Epochs trained, fractional when the time budget stopped the run mid-epoch. */
  epochsRun: number;
  /** Why fit stopped early ('stopped': the time budget was spent), null when it ran every epoch. */
  stopReason: string | null;
}

/**
 * Trains `options.model` on `train` and evaluates it on `test` (once, at the end: the test set
 * chooses nothing). `onEpoch` sees each epoch's record; `quiet` turns fit's progress bar off.
 */
export async function trainFashionMnist(
  train: Dataset,
  test: Dataset,
  options: Partial<FashionOptions> = {},
  extra: {
    quiet?: boolean;
    maxSteps?: number;
    onEpoch?: (r: EpochRecord) => void;
    onBatch?: (b: BatchEnd) => void;
  } = {},
): Promise<FashionResult> {
  const o = { ...DEFAULTS, ...options };
  const model = createModel(o.model, {
    numClasses: train.classes.length,
    inChannels: train.channels,
    widthMultiplier: o.widthMultiplier,
    rng: o.seed,
  });
  const parameters = model.parameters().reduce((n, p) => n + p.size, 0);
  const optimizer = new SGD(paramGroups(model, { weightDecay: o.weightDecay }), {
    lr: o.lr,
    momentum: 0.9,
    nesterov: true,
  });
  const stepsPerEpoch = batchCount(train, { batchSize: o.batchSize });
  const schedule =
    o.minutes > 0
      ? null
      : oneCycle(
          optimizer,
          o.lr,
          Math.min(extra.maxSteps ?? Number.POSITIVE_INFINITY, o.epochs * stepsPerEpoch),
        );
  const { mean, std } = FASHION_MNIST_STATS;
  // Crop and flip in one gather (randomCrop's `flip`), then standardize; evaluation only standardizes.
  const augment = compose([
    ...(o.padding > 0 || o.flip > 0
      ? [step(randomCrop, { padding: o.padding, paddingMode: 'zero' as const, flip: o.flip })]
      : []),
    fixed('normalize', (x) => normalizeChannels(x, mean, std)),
  ]);
  const callbacks: Callback[] = extra.onEpoch ? [{ onEpochEnd: (_f, r) => extra.onEpoch?.(r) }] : [];
  // Steps and training time as the batches end (a run stopped by the budget mid-epoch has no record of
  // that epoch in the history).
  let steps = 0;
  let fitStart = 0;
  let lastBatch = 0;
  callbacks.unshift({
    name: 'StepClock',
    onFitStart: () => {
      fitStart = performance.now();
    },
    onBatchEnd: (_f, b) => {
      extra.onBatch?.(b);
      steps = b.step;
      lastBatch = performance.now();
    },
  });
  if (o.minutes > 0) callbacks.unshift(timeBudget(optimizer, o.lr, o.minutes * 60_000));
  const history = await fit(model, train, {
    epochs: o.epochs,
    batchSize: o.batchSize,
    optimizer,
    schedule,
    labelSmoothing: o.labelSmoothing,
    augment,
    seed: o.seed,
    quiet: extra.quiet ?? false,
    callbacks,
    ...(extra.maxSteps === undefined ? {} : { maxSteps: extra.maxSteps }),
  });
  optimizer.dispose(); // its momentum buffers
  const evaluation = await evaluate(model, test, { preprocess: augment.eval, batchSize: 250 });
  const accuracy = evaluation.scores.accuracy ?? Number.NaN;
  return {
    model,
    parameters,
    accuracy,
    correct: Math.round(accuracy * evaluation.count),
    testImages: evaluation.count,
    epochs: history.epochs,
    trainSeconds: (lastBatch - fitStart) / 1000,
    testSeconds: evaluation.seconds,
    steps,
    epochsRun: steps / stepsPerEpoch,
    stopReason: history.stopReason ?? null,
  };
}

/**
 * One-cycle over `totalSteps` with a quarter of them warming up, at least 2 (with fewer, the warm-up
 * phase is empty and torch's formula divides 0 by 0).
 */
function oneCycle(optimizer: SGD, maxLr: number, totalSteps: number): OneCycleLR {
  const steps = Math.max(3, totalSteps);
  return new OneCycleLR(optimizer, { maxLr, totalSteps: steps, pctStart: Math.max(0.25, 2 / steps) });
}

/** The budgeted rate at `fraction` of the budget: linear warm-up over 5 %, then linear decay to 0. */
export function budgetLr(peak: number, fraction: number): number {
  const warm = 0.05;
  if (fraction < warm) return peak * (0.04 + (0.96 * fraction) / warm);
  return peak * Math.max(0, (1 - fraction) / (1 - warm));
}

/** A callback that sets every group's rate from the elapsed share of `ms` and stops when it is spent. */
function timeBudget(optimizer: SGD, peak: number, ms: number): Callback {
  let start = 0;
  const setLr = (lr: number) => {
    for (const g of optimizer.paramGroups) g.lr = lr;
  };
  setLr(budgetLr(peak, 0));
  return {
    name: 'TimeBudget',
    onFitStart: () => {
      start = performance.now();
    },
    onBatchEnd: (fit) => {
      const fraction = (performance.now() - start) / ms;
      if (fraction >= 1) fit.stop('stopped');
      else setLr(budgetLr(peak, fraction));
    },
  };
}
