import { checkProbability, type Rng } from '@convkit/backend';
import { clone, type Tensor4D, tidy } from '@tensorflow/tfjs-core';
import { applyToSubset, drawMask } from './per-sample';
import type { AugmentOp } from './types';
import { checkImages } from './validate';

/** One stage of a pipeline. */
export interface Step {
  readonly name: string;
  /** Random steps run only in training; deterministic ones (preprocessing) always. */
  readonly random: boolean;
  /** Probability of applying the step to each sample (random steps only). */
  readonly p: number;
  apply(x: Tensor4D, rng: Rng): Tensor4D;
}

/**
 * A random pipeline step: `op` with fixed `options`, applied to each sample with probability `p`
 * (default 1). Samples skipped by the coin are left out of the op's computation.
 *
 * @example
 * step(randomRotation, { degrees: 10 }, 0.3)
 */
export function step<O>(op: AugmentOp<O>, options?: O, p = 1, name = op.name || 'step'): Step {
  checkProbability(`step(${name})`, 'p', p);
  return { name, random: true, p, apply: (x, rng) => op(x, rng, options) };
}

/**
 * A deterministic pipeline step (preprocessing such as `normalize`), applied in training and evaluation.
 *
 * @example
 * fixed('normalize', (x) => normalize(x, CIFAR10_STATS.mean, CIFAR10_STATS.std))
 */
export function fixed(name: string, fn: (x: Tensor4D) => Tensor4D): Step {
  return { name, random: false, p: 1, apply: (x) => fn(x) };
}

export interface PipelineOptions {
  /** Training mode (default true). With false, random steps are the identity. */
  training?: boolean;
}

/** A composed pipeline: `pipeline(x, rng)` in training, `pipeline(x, undefined, { training: false })` in evaluation. */
export interface Pipeline {
  (x: Tensor4D, rng?: Rng, options?: PipelineOptions): Tensor4D;
  readonly steps: readonly Step[];
  /** Evaluation mode: only the deterministic steps. */
  eval(x: Tensor4D): Tensor4D;
}

/**
 * Chains steps into one function on batches. Every random step gets its own forked stream
 * (`rng.fork()`, in step order), so adding a coin or skipping samples in one step never shifts the
 * parameters drawn by the next. With probability p < 1 the per-sample coins are drawn first, from
 * the step's stream, then the op runs on the selected samples only. Intermediates are disposed;
 * the input is not. Mode is explicit: `{ training: false }` (or `.eval(x)`) skips random steps.
 *
 * Shapes: [B, H, W, C] → whatever the steps produce.
 *
 * @example
 * const augment = compose([
 *   step(randomCrop, { padding: 4 }),
 *   step(randomHorizontalFlip),
 *   fixed('normalize', (x) => normalize(x, CIFAR10_STATS.mean, CIFAR10_STATS.std)),
 * ]);
 * const train = augment(x, rng);
 * const test = augment(x, undefined, { training: false });
 */
export function compose(steps: readonly Step[]): Pipeline {
  for (const s of steps) {
    if (typeof s?.apply !== 'function')
      throw new Error('compose: every step must come from step(...) or fixed(...)');
    checkProbability(`compose(${s.name})`, 'p', s.p);
  }
  const list = Object.freeze([...steps]);
  const run = (x: Tensor4D, rng?: Rng, options: PipelineOptions = {}): Tensor4D => {
    checkImages(x, 'compose');
    const training = options.training ?? true;
    if (training && rng === undefined)
      throw new Error('compose: training mode needs an Rng (or pass { training: false })');
    return tidy(() => {
      let y: Tensor4D = x;
      for (const s of list) {
        if (!s.random) {
          y = s.apply(y, rng as Rng);
          continue;
        }
        if (!training) continue;
        const r = (rng as Rng).fork();
        if (s.p >= 1) {
          y = s.apply(y, r);
        } else {
          const mask = drawMask(r, y.shape[0], s.p);
          y = applyToSubset(y, mask, (sub) => s.apply(sub, r));
        }
      }
      return y === x ? clone(x) : y;
    });
  };
  return Object.assign(run, { steps: list, eval: (x: Tensor4D) => run(x, undefined, { training: false }) });
}
