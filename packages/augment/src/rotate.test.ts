import { Rng } from '@convkit/backend';
import { describeEachBackend, expectClose } from '@convkit/backend/testing';
import { memory, type Tensor4D, tensor } from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { randomRotation, rotate, rotationMatrices } from './rotate';
import { at, golden, randomImages, values } from './test-helpers';

/** Plain-JS bilinear warp with TensorFlow's fill rule, float64. */
function reference(src: number[], shape: number[], m: Float32Array, fill: number): number[] {
  const [B, H, W, C] = shape;
  const out: number[] = [];
  for (let b = 0; b < B; b++)
    for (let i = 0; i < H; i++)
      for (let j = 0; j < W; j++) {
        const [a0, a1, a2, b0, b1, b2] = m.subarray(b * 6, b * 6 + 6);
        const sx = a0 * j + a1 * i + a2;
        const sy = b0 * j + b1 * i + b2;
        const x0 = Math.floor(sx);
        const y0 = Math.floor(sy);
        for (let c = 0; c < C; c++) {
          let v = 0;
          for (const [dy, dx] of [
            [0, 0],
            [0, 1],
            [1, 0],
            [1, 1],
          ]) {
            const w = (dx ? sx - x0 : 1 - (sx - x0)) * (dy ? sy - y0 : 1 - (sy - y0));
            const yi = y0 + dy;
            const xi = x0 + dx;
            v += w * (yi >= 0 && yi < H && xi >= 0 && xi < W ? at(src, shape, b, yi, xi, c) : fill);
          }
          out.push(v);
        }
      }
  return out;
}

describeEachBackend('rotation', () => {
  const g = golden();

  it('matches torchvision F.rotate (bilinear, zero fill) on a non-square batch', async () => {
    const before = memory().numTensors;
    const x = tensor(g.rotate.x, g.rotate.shape) as Tensor4D;
    const y = rotate(x, g.rotate.angles);
    await expectClose(await values(y), g.rotate.y, { rtol: 0, atol: 2e-5 });
    x.dispose();
    y.dispose();
    expect(memory().numTensors).toBe(before);
  });

  it('fills with the given value using bilinear weights, as a JS reference does', async () => {
    const shape: [number, number, number, number] = [3, 7, 6, 2];
    const x = randomImages(shape, 4);
    const angles = [12.5, -40, 180];
    const y = rotate(x, angles, 0.5);
    const ref = reference(await values(x), shape, rotationMatrices(angles, 7, 6), 0.5);
    await expectClose(await values(y), ref, { rtol: 0, atol: 2e-5 });
    x.dispose();
    y.dispose();
  });

  it('randomRotation draws one angle per sample in the range', async () => {
    const x = randomImages([4, 5, 5, 1], 2);
    const y = randomRotation(x, new Rng(8), { degrees: [-20, 20], fill: 1 });
    const r = new Rng(8);
    const z = rotate(
      x,
      [0, 1, 2, 3].map(() => r.uniform(-20, 20)),
      1,
    );
    await expectClose(await values(y), await values(z), { rtol: 0, atol: 0 });
    const zero = randomRotation(x, new Rng(8), { degrees: 0 });
    await expectClose(await values(zero), await values(x), { rtol: 0, atol: 1e-6 });
    expect(() => randomRotation(x, new Rng(0), { degrees: -5 })).toThrow(/degrees.*>= 0/);
    expect(() => rotate(x, [1, 2])).toThrow(/one angle per sample \(4\)/);
    for (const t of [x, y, z, zero]) t.dispose();
  });
});
