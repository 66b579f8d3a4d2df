import { image, type Tensor4D } from '@tensorflow/tfjs-core';
import { describe, it } from 'vitest';
import { Rng } from '../random';
import { expectGradient } from '../test-helpers';
import { useBackend } from '../testing/backends';

describe('resize gradients vs finite differences [cpu]', () => {
  useBackend('cpu');
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
