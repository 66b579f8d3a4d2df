import { FASHION_MNIST_STATS, MNIST_STATS } from '@convkit/augment';
import type { Dataset } from '@convkit/data';
import {
  backboneHeadGroups,
  createModel,
  freeze,
  freezeNorms,
  resetClassifier,
  type ZooModel,
} from '@convkit/models';
import {
  Adam,
  decodeCheckpoint,
  encodeCheckpoint,
  evaluate,
  fit,
  type Optimizer,
  restoreCheckpoint,
} from '@convkit/trainer';

/** The sizes and settings of a run (the defaults are `pnpm start`'s). */
export interface TransferOptions {
  /** Zoo model to pretrain and fine-tune. Default 'resnet20_mnist'. */
  model: string;
  /** Its width multiplier (0.25: a quarter of the channels, 4–8–16). Default 0.25. */
  width: number;
  /** MNIST training images to pretrain on, and epochs. Default 5,000 and 1. */
  pretrainImages: number;
  pretrainEpochs: number;
  /** Fashion-MNIST training images to fine-tune on, and epochs. Default 1,000 and 5. */
  fineTuneImages: number;
  fineTuneEpochs: number;
  /** Test images (a seeded sample): Fashion-MNIST for the three models, MNIST after pretraining. Default 2,000. */
  testImages: number;
  batchSize: number;
  /** Learning rates: pretraining and from scratch; the new head; the backbone in (c). */
  lr: number;
  headLr: number;
  backboneLr: number;
  seed: number;
  /** No progress bars. */
  quiet: boolean;
}

export const TRANSFER_DEFAULTS: TransferOptions = {
  model: 'resnet20_mnist',
  width: 0.25,
  pretrainImages: 5000,
  pretrainEpochs: 1,
  fineTuneImages: 1000,
  fineTuneEpochs: 5,
  testImages: 2000,
  batchSize: 64,
  lr: 1e-2,
  headLr: 1e-2,
  backboneLr: 1e-3,
  seed: 0,
  quiet: false,
};

/** The three ways of fine-tuning the issue compares. */
export type Variant = 'scratch' | 'frozen' | 'discriminative';

export const VARIANTS: Record<Variant, string> = {
  scratch: '(a) from scratch',
  frozen: '(b) new head, frozen backbone',
  discriminative: '(c) whole network, backbone lr ÷ 10',
};

/** A fresh model of the run's architecture (10 classes, 28×28×1). */
export function buildModel(o: TransferOptions, seed: number): ZooModel {
  return createModel(o.model, { widthMultiplier: o.width, numClasses: 10, rng: seed });
}

/**
 * Pretrains the model on MNIST and returns its weights as checkpoint bytes (`encodeCheckpoint`, model
 * only), with its test accuracy on the MNIST images given.
 */
export async function pretrain(
  o: TransferOptions,
  mnistTrain: Dataset,
  mnistTest: Dataset,
): Promise<{ weights: Uint8Array; accuracy: number; seconds: number }> {
  const model = buildModel(o, o.seed);
  const optimizer = new Adam(model, { lr: o.lr });
  try {
    const history = await fit(model, mnistTrain, {
      epochs: o.pretrainEpochs,
      batchSize: o.batchSize,
      optimizer,
      normalize: MNIST_STATS,
      seed: o.seed,
      quiet: o.quiet,
    });
    const { scores } = await evaluate(model, mnistTest, { normalize: MNIST_STATS });
    const seconds = history.epochs.reduce((t, e) => t + e.seconds.train, 0);
    return { weights: await encodeCheckpoint({ model }), accuracy: scores.accuracy as number, seconds };
  } finally {
    optimizer.dispose();
    model.dispose();
  }
}

/**
 * Fine-tunes one variant on the Fashion-MNIST images and returns its test accuracy:
 * (a) a fresh model, every parameter at `lr`;
 * (b) the pretrained backbone frozen (`freeze`) with its BatchNorms in eval mode (`freezeNorms`: their
 *     running statistics stay the pretrained ones), a new head (`resetClassifier`) at `headLr`;
 * (c) the pretrained model with a new head, the head at `headLr` and the backbone at `backboneLr`
 *     (`backboneHeadGroups` → two optimizer parameter groups).
 */
export async function fineTune(
  variant: Variant,
  o: TransferOptions,
  pretrained: Uint8Array,
  train: Dataset,
  test: Dataset,
  /** Called with the fine-tuned model and its optimizer before they are disposed (the smoke test looks at them). */
  inspect?: (model: ZooModel, optimizer: Optimizer) => Promise<void>,
): Promise<{ accuracy: number; trainable: number; seconds: number }> {
  const model = buildModel(o, o.seed + 1);
  let optimizer: Optimizer;
  if (variant === 'scratch') {
    optimizer = new Adam(model, { lr: o.lr });
  } else {
    restoreCheckpoint(decodeCheckpoint(pretrained), { model });
    resetClassifier(model, 10, { rng: o.seed + 2 });
    if (variant === 'frozen') {
      freeze(model, { except: [model.classifierName], norms: false });
      freezeNorms(model);
      optimizer = new Adam(model, { lr: o.headLr });
    } else {
      optimizer = new Adam(backboneHeadGroups(model, { backboneLr: o.backboneLr, headLr: o.headLr }), {
        lr: o.headLr,
      });
    }
  }
  try {
    const trainable = model.namedParameters().reduce((n, [, p]) => n + (p.trainable ? p.size : 0), 0);
    const history = await fit(model, train, {
      epochs: o.fineTuneEpochs,
      batchSize: o.batchSize,
      optimizer,
      normalize: FASHION_MNIST_STATS,
      seed: o.seed,
      quiet: o.quiet,
    });
    const { scores } = await evaluate(model, test, { normalize: FASHION_MNIST_STATS });
    const seconds = history.epochs.reduce((t, e) => t + e.seconds.train, 0);
    await inspect?.(model, optimizer);
    return { accuracy: scores.accuracy as number, trainable, seconds };
  } finally {
    optimizer.dispose();
    model.dispose();
  }
}

/** The three accuracies side by side, as the example prints them. */
export function formatTable(
  rows: { variant: Variant; accuracy: number; trainable: number; seconds: number }[],
): string {
  const lines = rows.map(
    (r) =>
      `${VARIANTS[r.variant].padEnd(38)} ${(100 * r.accuracy).toFixed(2).padStart(6)} %  ${String(r.trainable).padStart(7)} trainable  ${r.seconds.toFixed(1).padStart(6)} s`,
  );
  return [`${'fine-tuning on Fashion-MNIST'.padEnd(38)} test acc.  parameters  training`, ...lines].join(
    '\n',
  );
}
