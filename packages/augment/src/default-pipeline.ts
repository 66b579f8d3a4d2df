import { type ColorJitterOptions, colorJitter } from './color-jitter';
import { compose, fixed, type Pipeline, type Step, step } from './compose';
import type { NormalizationStats } from './constants';
import { randomErasing } from './erasing';
import { randomHorizontalFlip } from './flip';
import { normalizeChannels } from './normalize';
import { randomCrop } from './random-crop';
import type { PadMode } from './sampling';

export interface DefaultPipelineOptions {
  /** Dataset mean/std (e.g. `CIFAR10_STATS`); their length sets the channel count. Required. */
  stats: NormalizationStats;
  /** Pad-and-crop padding in pixels; 0 turns the crop off. Default 4. */
  padding?: number;
  /** Padding mode of the crop. Default 'zero'. */
  paddingMode?: PadMode;
  /** Horizontal-flip probability; 0 turns it off. Default 0.5. */
  flip?: number;
  /**
   * Colour jitter; false turns it off. Default brightness 0.2, contrast 0.2, and for RGB also
   * saturation 0.2 (no hue).
   */
  jitter?: ColorJitterOptions | false;
  /** Random-erasing probability (after normalize, so value 0 is the dataset mean); 0 turns it off. Default 0.25. */
  erasing?: number;
}

/**
 * The default training pipeline for small images (CIFAR / MNIST-style):
 * pad-and-crop with horizontal flip (one fused gather) → colour jitter → normalize → random erasing.
 * In evaluation (`{ training: false }` or `.eval(x)`) only `normalize` runs.
 * Expects float images in [0, 1] with as many channels as `stats` has entries.
 *
 * Options: `stats` (required), `padding` (4), `paddingMode` ('zero'), `flip` (0.5), `jitter`
 * (brightness/contrast 0.2, saturation 0.2 on RGB), `erasing` (0.25).
 *
 * @example
 * const augment = defaultTrainPipeline({ stats: CIFAR10_STATS });
 * const xb = augment(x, rng);                         // training
 * const xe = augment.eval(x);                         // evaluation: normalize only
 */
export function defaultTrainPipeline(options: DefaultPipelineOptions): Pipeline {
  const { stats } = options;
  if (stats === undefined || stats.mean.length !== stats.std.length || stats.mean.length === 0) {
    throw new Error('defaultTrainPipeline: stats { mean, std } with one entry per channel is required');
  }
  const rgb = stats.mean.length === 3;
  const padding = options.padding ?? 4;
  const flip = options.flip ?? 0.5;
  const erasing = options.erasing ?? 0.25;
  const jitter =
    options.jitter === undefined
      ? { brightness: 0.2, contrast: 0.2, ...(rgb ? { saturation: 0.2 } : {}) }
      : options.jitter;
  const steps: Step[] = [];
  // Crop and flip share one gather (see randomCrop's `flip`): one pass over the batch instead of two.
  if (padding > 0)
    steps.push(step(randomCrop, { padding, paddingMode: options.paddingMode ?? 'zero', flip }));
  else if (flip > 0) steps.push(step(randomHorizontalFlip, { p: flip }));
  if (jitter !== false) steps.push(step(colorJitter, jitter));
  steps.push(fixed('normalize', (x) => normalizeChannels(x, stats.mean, stats.std)));
  if (erasing > 0) steps.push(step(randomErasing, { p: erasing }));
  return compose(steps);
}
