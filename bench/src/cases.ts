import type { MeasureOptions, Timing } from './measure';

/** The libraries (and registrations) compared in the convkit vs tfjs-layers table. */
export const VARIANTS = ['convkit', 'tfjs-layers', 'tfjs-layers+kernels'] as const;
export type Variant = (typeof VARIANTS)[number];

/** What one child process runs: a library of the comparison, or one of convkit's suites. */
export const JOBS = [...VARIANTS, 'norms', 'augment', 'optimizers', 'models'] as const;
export type Job = (typeof JOBS)[number];

export const BACKENDS = ['cpu', 'wasm', 'webgpu'] as const;

/** The benchmark cases, the same computation in each library. */
export const CASES = {
  convForward: 'conv2d forward',
  convBackward: 'conv2d forward+backward',
  trainStep: 'MNIST CNN train step',
} as const;
export type CaseName = (typeof CASES)[keyof typeof CASES];

/**
 * The conv of the cases: the second conv of the example's MNIST CNN at batch 64,
 * x [64, 14, 14, 8] → 5×5, 16 filters, 'same' padding, bias → [64, 14, 14, 16] (40 M multiply-adds).
 */
export const CONV = { batch: 64, size: 14, inChannels: 8, outChannels: 16, kernel: 5 } as const;

/** The batch of the train step: the first 64 MNIST training images. */
export const TRAIN_BATCH = 64;

/** Adam's learning rate in the train-step cases (the MNIST example's former default; it sets no timing). */
export const TRAIN_LR = 2e-3;

/**
 * One case, built by a job's setup; `run` ends with a read-back so GPU work is timed. A case with
 * `skipped` (e.g. 'too slow') is listed but not run.
 */
export interface Case {
  name: string;
  run?(): Promise<void>;
  skipped?: string;
  /** Overrides of the timing defaults, e.g. fewer runs on a slow backend. */
  measure?: MeasureOptions;
  /** GPU programs one run launches (webgpu; `countLaunches` of @convkit/backend). */
  launches?: number;
  /**
   * The same computation in another library, timed in interleaved rounds with `run` (`measureRounds`):
   * `run(n)` resolves to the times of n runs, in ms; `skipped` says why there is none (e.g. 'no PyTorch').
   */
  reference?: { run?: (runs: number) => Promise<number[]>; skipped?: string };
}

/** What a child process reports for one (job, backend). */
export interface ChildResult {
  job: Job;
  backend: string;
  /** e.g. the WebGPU adapter, or why the backend could not start. */
  detail?: string;
  /** Set when the backend itself could not be set up. */
  error?: string;
  cases: {
    name: string;
    timing?: Timing;
    error?: string;
    skipped?: string;
    launches?: number;
    /** The reference library's timing, and convkit / reference per interleaved round. */
    reference?: { timing?: Timing; skipped?: string; ratios?: number[] };
  }[];
}

/** The activation of the norm table, NHWC: a ResNet stage at 32×32 with 64 channels, batch 32. */
export const NORM_INPUT = [32, 32, 32, 64] as const;

/** The conv that precedes a norm in that stage, and the norms timed against it (forward+backward). */
export const NORM_CASES = {
  conv: 'Conv2d 3×3 64→64',
  batch: 'BatchNorm2d',
  layer: 'LayerNorm [H, W, C]',
  layer2d: 'LayerNorm2d',
  instance: 'InstanceNorm2d (affine)',
  group: 'GroupNorm(32)',
} as const;

/** The input of the ResNet block cases: a smaller batch, as a block runs two such convs. */
export const BLOCK_INPUT = [8, 32, 32, 64] as const;

/**
 * conv3×3 → norm → ReLU → conv3×3 → norm, plus the identity skip, with each norm (by `createNorm`
 * name) and without one, the baseline of the norms' share.
 */
export const BLOCK_CASES = {
  none: 'ResNet block, no norm',
  batch: 'ResNet block, BatchNorm2d',
  layer: 'ResNet block, LayerNorm',
  instance: 'ResNet block, InstanceNorm2d',
  group: 'ResNet block, GroupNorm(32)',
} as const;

/** The batches of the augmentation cases: CIFAR-like and MNIST-like images. */
export const AUGMENT_INPUTS = [
  { label: '32×32×3', shape: [32, 32, 3] },
  { label: '28×28×1', shape: [28, 28, 1] },
] as const;
export const AUGMENT_BATCH = 256;

/** The augmentation case names for an input label: the pipeline, and the train step on the same batch. */
export const augmentCase = (label: string) => `augment ${label}`;
export const stepCase = (label: string) => `train step ${label}`;

/** Augmentation should take less than this share of a train step on wasm. */
export const AUGMENT_TARGET = 0.2;

/**
 * The name of a norm or block case run on the composed ops (`fused: false`) instead of the fused
 * normalization kernels; only where the backend has them (webgpu).
 */
export const composedCase = (name: string): string => `${name}, composed ops`;

/** The optimizers of the optimizer table, with the options they are timed with. */
export const OPTIMIZERS = {
  'SGD (momentum 0.9)': { name: 'SGD', options: { lr: 0.01, momentum: 0.9 } },
  Adam: { name: 'Adam', options: { lr: 1e-3 } },
  AdamW: { name: 'AdamW', options: { lr: 1e-3, weightDecay: 0.01 } },
  'RMSprop (centered, momentum 0.9)': {
    name: 'RMSprop',
    options: { lr: 1e-3, centered: true, momentum: 0.9 },
  },
} as const;
export type OptimizerLabel = keyof typeof OPTIMIZERS;

/** What is timed per optimizer: a train step of the example's CNN, and the update alone on two parameter sets. */
export const OPTIMIZER_CASES = {
  trainStep: 'MNIST CNN train step',
  cnnUpdate: 'update: MNIST CNN, 6 tensors',
  resnetUpdate: 'update: ResNet-18 at 1/4 width, 62 tensors',
} as const;

/** The name of one optimizer case: `Adam: update: MNIST CNN, 6 tensors`. */
export const optimizerCase = (label: string, what: string): string => `${label}: ${what}`;

/** The models of the inference table (eval-mode forward passes): the zoo name, its input, batch 8. */
export const MODEL_INPUTS = [
  { model: 'resnet18_cifar', input: [8, 32, 32, 3] },
  { model: 'resnet50', input: [8, 224, 224, 3] },
  { model: 'vgg11', input: [8, 224, 224, 3] },
] as const;

/** Per-child time limits above run.ts's `--timeout-s` (the models job builds VGG-11 and times it ~8 times). */
export const JOB_TIMEOUT_S: Partial<Record<Job, number>> = { models: 900 };

/** Interleaved rounds of convkit and PyTorch timings per model; the ratio is taken per round. */
export const MODEL_ROUNDS = 3;

/** The case name of a model's inference. */
export const modelCase = (model: string) => `${model} inference`;
