import type { Timing } from './measure';

/** The libraries (and registrations) compared, each run in its own child process. */
export const VARIANTS = ['convkit', 'tfjs-layers', 'tfjs-layers+kernels'] as const;
export type Variant = (typeof VARIANTS)[number];

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

/** One case, built by a library's setup; `run` ends with a read-back so GPU work is timed. */
export interface Case {
  name: CaseName;
  run(): Promise<void>;
}

/** What a child process reports for one (variant, backend). */
export interface ChildResult {
  variant: Variant;
  backend: string;
  /** e.g. the WebGPU adapter, or why the backend could not start. */
  detail?: string;
  /** Set when the backend itself could not be set up. */
  error?: string;
  cases: { name: CaseName; timing?: Timing; error?: string }[];
}
