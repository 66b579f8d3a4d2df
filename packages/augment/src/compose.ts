import { checkProbability, isRng, type Rng } from '@convkit/backend';
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
export function step<O>(op: AugmentOp<O>, options?: O, p = 1, name = op?.name || 'step'): Step {
  if (typeof op !== 'function') {
    throw new Error(
      `step: op must be an augmentation function (randomCrop, randomHorizontalFlip, ...), got ${String(op)}`,
    );
  }
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
  if (!Array.isArray(steps))
    throw new Error('compose: expected an array of steps, [step(op), fixed(name, fn), ...]');
  steps.forEach((s, i) => {
    // A function has an `apply` too (Function.prototype.apply): catch an op passed without step() first.
    if (typeof s === 'function') {
      const name = (s as { name?: string }).name || 'op';
      throw new Error(
        `compose: steps[${i}] is the function ${name}, not a step: wrap it as step(${name}, options, p) ` +
          `(or fixed('${name}', fn) for a deterministic step)`,
      );
    }
    if (typeof s !== 'object' || s === null || typeof s.apply !== 'function' || typeof s.random !== 'boolean')
      throw new Error(`compose: steps[${i}] must come from step(...) or fixed(...), got ${String(s)}`);
    checkProbability(`compose(${s.name})`, 'p', s.p);
  });
  const list = Object.freeze([...steps]);
  const run = (x: Tensor4D, rng?: Rng, options: PipelineOptions = {}): Tensor4D => {
    checkImages(x, 'compose');
    const training = options.training ?? true;
    if (training && rng === undefined)
      throw new Error('compose: training mode needs an Rng (or pass { training: false })');
    if (rng !== undefined && !isRng(rng)) {
      throw new Error(
        `compose: rng must be an Rng, got ${String(rng)}: make one generator (new Rng(seed)) and pass it on every call ` +
          '(a seed would repeat the same draws each time)',
      );
    }
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
