import { Rng } from '@convkit/backend';
import { describeEachBackend } from '@convkit/backend/testing';
import { memory, type Tensor, type Tensor4D, tensor1d } from '@tensorflow/tfjs-core';
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

describeEachBackend('no tensor leaks', (backend) => {
  // Webgpu here is a software adapter (llvmpipe, ~7 ms a call): 250 calls keep the file under ~10 s;
  // tensor bookkeeping is the engine's, the same on every backend.
  const calls = backend === 'webgpu' ? 250 : 1000;
  it(`${calls} calls cycling through every random op and the default pipeline`, () => {
    const x = randomImages([2, 6, 6, 3], 1);
    const labels = tensor1d([0, 2], 'int32');
    const pipe = defaultTrainPipeline({ stats: CIFAR10_STATS });
    const ops: ((rng: Rng) => Tensor | Tensor[])[] = [
      (r) => randomHorizontalFlip(x, r),
      (r) => randomVerticalFlip(x, r),
      (r) => randomCrop(x, r, { padding: 2, paddingMode: 'reflect' }),
      (r) => randomTranslate(x, r),
      (r) => randomResizedCrop(x, r, { size: 5 }),
      (r) => randomRotation(x, r, { fill: 0.5 }),
      (r) => colorJitter(x, r, { brightness: 0.3, contrast: 0.3, saturation: 0.3, hue: 0.1 }),
      (r) => randomGrayscale(x, r, { p: 0.5 }),
      (r) => randomErasing(x, r, { p: 0.5, value: 'random' }),
      (r) => cutout(x, r, { size: 2 }),
      (r) => {
        const m = mixup(x, labels, r, { numClasses: 3 });
        return [m.images, m.labels];
      },
      (r) => {
        const m = cutmix(x, labels, r, { numClasses: 3 });
        return [m.images, m.labels];
      },
      (r) => randAugment(x as Tensor4D, r, { n: 2, m: 9 }),
      (r) => pipe(x, r),
    ];
    const rng = new Rng(0);
    const before = memory().numTensors;
    for (let k = 0; k < calls; k++) {
      const out = ops[k % ops.length](rng);
      for (const t of Array.isArray(out) ? out : [out]) t.dispose();
    }
    expect(memory().numTensors).toBe(before);
    x.dispose();
    labels.dispose();
  });
});
