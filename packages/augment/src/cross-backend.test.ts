import { Rng } from '@convkit/backend';
import { describeEachBackend, maxAbsDiff } from '@convkit/backend/testing';
import { type Tensor, type Tensor4D, tensor1d, tidy } from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { colorJitter } from './color-jitter';
import { CIFAR10_STATS } from './constants';
import { cutmix } from './cutmix';
import { cutout } from './cutout';
import { defaultTrainPipeline } from './default-pipeline';
import { randomErasing } from './erasing';
import { randomHorizontalFlip, randomVerticalFlip } from './flip';
import { randomGrayscale } from './grayscale';
import { mixup } from './mixup';
import { randAugment } from './rand-augment';
import { randomCrop } from './random-crop';
import { randomResizedCrop } from './resized-crop';
import { randomRotation } from './rotate';
import { randomImages } from './test-helpers';
import { randomTranslate } from './translate';

// Outputs of every random op for one seed, per backend, filled as the per-backend blocks run in order.
const seen = new Map<string, Map<string, number[]>>();

const ops: [string, (x: Tensor4D, r: Rng) => Tensor][] = [
  ['hflip', (x, r) => randomHorizontalFlip(x, r)],
  ['vflip', (x, r) => randomVerticalFlip(x, r)],
  ['crop', (x, r) => randomCrop(x, r, { padding: 3, paddingMode: 'reflect' })],
  ['translate', (x, r) => randomTranslate(x, r, { maxFraction: 0.3, mode: 'edge' })],
  ['resizedCrop', (x, r) => randomResizedCrop(x, r, { size: [10, 7] })],
  ['rotation', (x, r) => randomRotation(x, r, { degrees: 30, fill: [0.1, 0.2, 0.3] })],
  ['jitter', (x, r) => colorJitter(x, r, { brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.2 })],
  ['grayscale', (x, r) => randomGrayscale(x, r, { p: 0.5 })],
  ['erasing', (x, r) => randomErasing(x, r, { p: 0.7, value: 'random' })],
  ['cutout', (x, r) => cutout(x, r, { size: 4 })],
  ['mixup', (x, r) => mixup(x, tensor1d([0, 1, 2, 3, 0, 1], 'int32'), r, { numClasses: 4 }).images],
  ['cutmix', (x, r) => cutmix(x, tensor1d([0, 1, 2, 3, 0, 1], 'int32'), r, { numClasses: 4 }).labels],
  ['randAugment', (x, r) => randAugment(x, r, { n: 3, m: 15 })],
  ['pipeline', (x, r) => defaultTrainPipeline({ stats: CIFAR10_STATS })(x, r)],
];

describeEachBackend('same seed, same result on every backend', (backend) => {
  it('every random op agrees with the backends run before this one', async () => {
    const x = randomImages([6, 9, 8, 3], 42);
    const mine = new Map<string, number[]>();
    for (const [name, op] of ops) {
      const y = tidy(() => op(x, new Rng(2024)));
      mine.set(name, Array.from(await y.data()));
      y.dispose();
    }
    x.dispose();
    for (const [other, theirs] of seen) {
      for (const [name] of ops) {
        // Geometry and masks are copies; colour and bilinear ops differ only by float32 rounding.
        expect((mine.get(name) as number[]).length).toBe((theirs.get(name) as number[]).length);
        const d = maxAbsDiff(mine.get(name) as number[], theirs.get(name) as number[]);
        expect(d, `${name}: ${backend} vs ${other}`).toBeLessThan(1e-5);
      }
    }
    seen.set(backend, mine);
  });
});
