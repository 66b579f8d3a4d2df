import { image, type Tensor4D } from '@tensorflow/tfjs-core';
import { beforeAll, describe, it } from 'vitest';
import { initBackend } from '../init-backend';
import { Rng } from '../random';
import { expectGradient } from '../test-helpers';

describe('resize gradients vs finite differences [cpu]', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu', strict: true });
  });
  const rng = new Rng(11);

  for (const [alignCorners, halfPixelCenters] of [
    [false, false],
    [true, false],
    [false, true],
  ]) {
    it(`bilinear and nearest, alignCorners ${alignCorners}, halfPixelCenters ${halfPixelCenters}`, () => {
      const x = () => rng.normalTensor([1, 3, 4, 2]);
      expectGradient(
        (t) => image.resizeBilinear(t as Tensor4D, [5, 7], alignCorners, halfPixelCenters),
        [x()],
      );
      expectGradient(
        (t) => image.resizeNearestNeighbor(t as Tensor4D, [6, 3], alignCorners, halfPixelCenters),
        [x()],
      );
    });
  }
});
