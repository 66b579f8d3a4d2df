import { Rng } from '@convkit/backend';
import { type KernelCoverageCase, testKernelCoverage } from '@convkit/backend/testing';
import { type Tensor, type Tensor4D, tensor1d } from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { adjustBrightness, adjustContrast, adjustHue, adjustSaturation, rgbToGrayscale } from './color';
import { colorJitter } from './color-jitter';
import { compose, fixed, step } from './compose';
import { CIFAR10_STATS, MNIST_STATS } from './constants';
import { cutmix } from './cutmix';
import { cutout } from './cutout';
import { defaultTrainPipeline } from './default-pipeline';
import { erase, randomErasing } from './erasing';
import { randomHorizontalFlip, randomVerticalFlip } from './flip';
import { randomGrayscale } from './grayscale';
import { mixup } from './mixup';
import { denormalize, normalizeChannels, toFloat } from './normalize';
import { RAND_AUGMENT_OPS, randAugment } from './rand-augment';
import { centerCrop, randomCrop } from './random-crop';
import { randomResizedCrop, resizedCrop } from './resized-crop';
import { randomRotation, rotate } from './rotate';
import { adjustSharpness } from './sharpness';
import { ChannelStats } from './stats';
import { randomImages } from './test-helpers';
import { autoContrast, equalize, posterize, solarize } from './tone';
import { randomTranslate } from './translate';

// Every kernel the augmentation ops use must exist on every backend. Forward only: these are
// preprocessing, no gradient flows through them.

const shape: [number, number, number, number] = [6, 9, 8, 3];
const labels = () => tensor1d([0, 1, 2, 3, 0, 1], 'int32');

/** A case running `op` on a fixed RGB batch (or a grayscale one) with a seeded rng. */
const on = (name: string, op: (x: Tensor4D, rng: Rng) => unknown, channels = 3): KernelCoverageCase => ({
  name,
  run: () => {
    op(randomImages([6, 9, 8, channels], 42), new Rng(2024));
  },
});

const modes = ['zero', 'constant', 'edge', 'reflect'] as const;

const cases: KernelCoverageCase[] = [
  on('randomHorizontalFlip p=0.5', (x, r) => randomHorizontalFlip(x, r)),
  on('randomHorizontalFlip p=1', (x, r) => randomHorizontalFlip(x, r, { p: 1 })),
  on('randomVerticalFlip', (x, r) => randomVerticalFlip(x, r)),
  ...modes.map((paddingMode) =>
    on(`randomCrop ${paddingMode}`, (x, r) => randomCrop(x, r, { padding: 3, paddingMode, fill: 0.5 })),
  ),
  on('randomCrop with flip', (x, r) => randomCrop(x, r, { padding: 2, flip: 0.5 })),
  on('randomCrop size only', (x, r) => randomCrop(x, r, { size: [5, 4] })),
  on('centerCrop', (x) => centerCrop(x, 5)),
  ...modes.map((mode) =>
    on(`randomTranslate ${mode}`, (x, r) => randomTranslate(x, r, { maxFraction: 0.3, mode, fill: 0.2 })),
  ),
  on('randomResizedCrop', (x, r) => randomResizedCrop(x, r, { size: [10, 7] })),
  on('resizedCrop', (x) => resizedCrop(x, Array(6).fill({ top: 1, left: 2, height: 5, width: 4 }), 6)),
  on('randomRotation', (x, r) => randomRotation(x, r, { degrees: 30, fill: [0.1, 0.2, 0.3] })),
  on('rotate', (x) => rotate(x, [0, 90, -45, 10, 180, 30])),
  on('colorJitter', (x, r) =>
    colorJitter(x, r, { brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.2 }),
  ),
  on('colorJitter grayscale', (x, r) => colorJitter(x, r, { brightness: 0.4, contrast: 0.4 }), 1),
  on('adjustBrightness', (x) => adjustBrightness(x, 1.3)),
  on('adjustContrast', (x) => adjustContrast(x, [0.5, 1, 1.5, 2, 0, 1.1])),
  on('adjustSaturation', (x) => adjustSaturation(x, 0.3)),
  on('adjustHue', (x) => adjustHue(x, 0.25)),
  on('adjustSharpness', (x) => adjustSharpness(x, 1.7)),
  on('rgbToGrayscale', (x) => rgbToGrayscale(x, 3)),
  on('randomGrayscale', (x, r) => randomGrayscale(x, r, { p: 0.5 })),
  on('solarize', (x) => solarize(x, 0.5)),
  on('posterize', (x) => posterize(x, 3)),
  on('autoContrast', (x) => autoContrast(x)),
  on('equalize', (x) => equalize(x)),
  on('randomErasing', (x, r) => randomErasing(x, r, { p: 0.7 })),
  on('randomErasing random value', (x, r) => randomErasing(x, r, { p: 0.7, value: 'random' })),
  on('erase', (x) =>
    erase(x, [{ top: 1, left: 1, height: 3, width: 2 }, null, null, null, null, null], [1, 0, 0]),
  ),
  on('cutout', (x, r) => cutout(x, r, { size: 4 })),
  on('mixup', (x, r) => mixup(x, labels(), r, { numClasses: 4 })),
  on('cutmix', (x, r) => cutmix(x, labels(), r, { numClasses: 4 })),
  on('randAugment', (x, r) => randAugment(x, r, { n: 3, m: 15 })),
  ...RAND_AUGMENT_OPS.map((op) =>
    on(`randAugment ${op.name}`, (x, r) => randAugment(x, r, { n: 1, m: 20, ops: [op] })),
  ),
  on('normalizeChannels', (x) => normalizeChannels(x, CIFAR10_STATS.mean, CIFAR10_STATS.std)),
  on('denormalize', (x) => denormalize(x, CIFAR10_STATS.mean, CIFAR10_STATS.std)),
  { name: 'toFloat uint8', run: () => void toFloat(new Uint8Array([0, 7, 255, 128]), [1, 2, 2, 1]) },
  { name: 'toFloat int tensor', run: () => void toFloat(labels(), undefined, 1) },
  {
    name: 'ChannelStats.update',
    run: () => void new ChannelStats().update(randomImages(shape, 3) as Tensor),
  },
  on('compose', (x, r) =>
    compose([
      step(randomCrop, { padding: 2 }),
      step(randomHorizontalFlip, {}, 0.5),
      fixed('normalize', (y) => normalizeChannels(y, CIFAR10_STATS.mean, CIFAR10_STATS.std)),
    ])(x, r),
  ),
  on('defaultTrainPipeline', (x, r) => defaultTrainPipeline({ stats: CIFAR10_STATS })(x, r)),
  on('defaultTrainPipeline eval', (x) => defaultTrainPipeline({ stats: CIFAR10_STATS }).eval(x)),
  on('defaultTrainPipeline grayscale', (x, r) => defaultTrainPipeline({ stats: MNIST_STATS })(x, r), 1),
];

const coverage = testKernelCoverage({ name: 'augment', cases, gradients: false });

it('covers the gather, resize and colour paths (spot check)', async () => {
  const all = new Set([...(await coverage.usages()).values()].flatMap((u) => [...u.kernels]));
  expect(all).toContain('GatherV2');
  expect(all.size).toBeGreaterThan(15);
});
