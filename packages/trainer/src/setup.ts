// What `fitTrial` and the `convkit` command share: a model, optimizer, schedule and augmentation made
// from plain options (names and numbers), so that a trial sent to a worker as JSON trains the same as
// one run here.
import { defaultTrainPipeline } from '@convkit/augment';
import type { Dataset } from '@convkit/data';
import { createModel, type ZooModel } from '@convkit/models';
import { paramGroups } from '@convkit/regularization';
import type { Augment } from './fit/fit';
import type { Optimizer } from './optim/optimizer';
import { createOptimizerRegistry } from './optim/registry';
import { CosineAnnealingLR } from './schedule/cosine-annealing-lr';
import { OneCycleLR } from './schedule/one-cycle-lr';
import type { LrScheduler } from './schedule/scheduler';

/** The optimizers the setup builds by name. */
export const OPTIMIZER_NAMES = ['SGD', 'Adam', 'AdamW', 'RMSprop'] as const;
/** The schedules the setup builds by name: none, cosine annealing to 0 over the run, one-cycle (peak `lr`). */
export const SCHEDULE_NAMES = ['none', 'cosine', 'onecycle'] as const;

/** Plain training settings: what `fitTrial` takes and what a search samples. */
export interface TrainingSettings {
  optimizer?: (typeof OPTIMIZER_NAMES)[number];
  /** Default 1e-3. */
  lr?: number;
  /** With it, biases and norm parameters are in a group without decay (`paramGroups`). Default: the optimizer's. */
  weightDecay?: number;
  /** SGD and RMSprop only. */
  momentum?: number;
  /** Default 'none'. */
  schedule?: (typeof SCHEDULE_NAMES)[number];
  /** `@convkit/augment`'s `defaultTrainPipeline` (no flips for mnist). Default false. */
  augment?: boolean;
}

/** A zoo model sized for the data: its channels and classes, with fresh weights from `seed`. */
export function buildModel(
  name: string,
  data: Dataset,
  options: {
    seed: number;
    widthMultiplier?: number;
    dropRate?: number;
    modelOptions?: Record<string, unknown>;
  },
): ZooModel {
  return createModel(name, {
    numClasses: data.classes.length,
    inChannels: data.channels,
    rng: options.seed,
    ...(options.widthMultiplier === undefined ? {} : { widthMultiplier: options.widthMultiplier }),
    ...(options.dropRate === undefined ? {} : { dropRate: options.dropRate }),
    ...options.modelOptions,
  });
}

/** The optimizer by name, with `weightDecay` on weights only and `momentum` where the optimizer has one. */
export function buildOptimizer(model: ZooModel, s: TrainingSettings): Optimizer {
  const name = s.optimizer ?? 'AdamW';
  const options: Record<string, unknown> = { lr: s.lr ?? 1e-3 };
  if (s.momentum !== undefined) {
    if (name !== 'SGD' && name !== 'RMSprop') {
      throw new Error(`momentum applies to SGD and RMSprop, not ${name} (Adam's is betas[0])`);
    }
    options.momentum = s.momentum;
  }
  const params = s.weightDecay === undefined ? model : paramGroups(model, { weightDecay: s.weightDecay });
  return createOptimizerRegistry().create(name, params, options);
}

/** The schedule by name, stepped per batch over `totalSteps`; null for 'none'. */
export function buildSchedule(
  optimizer: Optimizer,
  s: TrainingSettings,
  totalSteps: number,
): LrScheduler | null {
  const kind = s.schedule ?? 'none';
  if (kind === 'none') return null;
  if (kind === 'onecycle') {
    return new OneCycleLR(optimizer, { maxLr: s.lr ?? 1e-3, totalSteps: Math.max(2, totalSteps) });
  }
  if (kind === 'cosine') {
    const schedule = new CosineAnnealingLR(optimizer, { tMax: Math.max(1, totalSteps) });
    schedule.interval = 'step';
    return schedule;
  }
  throw new Error(`unknown schedule '${String(kind)}': use ${SCHEDULE_NAMES.join(', ')}`);
}

/** The default augmentation for the data (it normalizes, so `fit` gets no `normalize` with it). */
export function buildAugment(dataName: string, normalize: { mean: number[]; std: number[] }): Augment {
  return defaultTrainPipeline({ stats: normalize, ...(dataName === 'mnist' ? { flip: 0 } : {}) });
}
