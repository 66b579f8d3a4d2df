import { Rng } from '@convkit/backend';
import { describeEachBackend, expectClose } from '@convkit/backend/testing';
import { memory, tensor, tensor1d } from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { sampleBeta } from './beta';
import { cutmix } from './cutmix';
import { mixup } from './mixup';
import { at, indexImages, values } from './test-helpers';

describeEachBackend('mixup and cutmix', () => {
  const shape: [number, number, number, number] = [4, 6, 8, 2];

  it('mixup mixes images and one-hot labels by the same λ with the partner sample', async () => {
    const before = memory().numTensors;
    const x = indexImages(shape);
    const labels = tensor1d([0, 1, 2, 1], 'int32');
    const {
      images,
      labels: soft,
      lambda,
      partner,
    } = mixup(x, labels, new Rng(6), { alpha: 0.4, numClasses: 3 });
    const r = new Rng(6);
    expect(lambda).toBe(sampleBeta(r, 0.4, 0.4));
    expect(Array.from(partner)).toEqual(Array.from(r.permutation(4)));
    const src = await values(x);
    const out = await values(images);
    for (const [b, i, j, c] of [
      [0, 0, 0, 0],
      [3, 5, 7, 1],
      [2, 3, 1, 0],
    ]) {
      const e = lambda * at(src, shape, b, i, j, c) + (1 - lambda) * at(src, shape, partner[b], i, j, c);
      expect(Math.abs(at(out, shape, b, i, j, c) - e)).toBeLessThan(1e-3);
    }
    const y = await values(soft);
    const cls = [0, 1, 2, 1];
    for (let b = 0; b < 4; b++) {
      const e = [0, 0, 0];
      e[cls[b]] += lambda;
      e[cls[partner[b]]] += 1 - lambda;
      await expectClose(y.slice(b * 3, b * 3 + 3), e, { rtol: 0, atol: 1e-6 });
    }
    for (const t of [x, labels, images, soft]) t.dispose();
    expect(memory().numTensors).toBe(before);
  });

  it('cutmix pastes the partner box and sets λ to the kept area', async () => {
    const x = indexImages(shape);
    const oneHot = tensor(
      [
        [1, 0],
        [0, 1],
        [0.5, 0.5],
        [1, 0],
      ],
      [4, 2],
    );
    const { images, labels, lambda, partner } = cutmix(x, oneHot, new Rng(13), { alpha: 1 });
    const src = await values(x);
    const out = await values(images);
    const pasted = [0, 0, 0, 0];
    for (let b = 0; b < 4; b++)
      for (let i = 0; i < 6; i++)
        for (let j = 0; j < 8; j++) {
          const v = at(out, shape, b, i, j, 0);
          if (v === at(src, shape, b, i, j, 0)) continue;
          expect(v).toBe(at(src, shape, partner[b], i, j, 0));
          pasted[b]++;
        }
    // A sample is unchanged inside the box only when it is its own partner: measure the box on one that is not.
    const b0 = partner.findIndex((p, b) => p !== b);
    expect(b0, 'some sample has another partner').toBeGreaterThanOrEqual(0);
    expect(pasted[b0]).toBeGreaterThan(0);
    expect(lambda).toBeCloseTo(1 - (pasted[b0] as number) / 48, 10);
    const y = await values(labels);
    const src2 = [1, 0, 0, 1, 0.5, 0.5, 1, 0];
    for (let b = 0; b < 4; b++) {
      for (let k = 0; k < 2; k++) {
        expect(y[b * 2 + k]).toBeCloseTo(
          lambda * src2[b * 2 + k] + (1 - lambda) * src2[partner[b] * 2 + k],
          6,
        );
      }
    }
    expect(() => cutmix(x, tensor1d([0, 1, 1, 0], 'int32'), new Rng(0))).toThrow(/numClasses/);
    expect(() => mixup(x, oneHot, new Rng(0), { alpha: 0 })).toThrow(/alpha/);
    expect(() => mixup(x, tensor1d([0, 1], 'int32'), new Rng(0), { numClasses: 2 })).toThrow(
      /2 labels for 4 images/,
    );
    for (const t of [x, oneHot, images, labels]) t.dispose();
  });
});

it('Beta(α, α) draws have mean 1/2 and variance 1/(4(2α + 1))', () => {
  const r = new Rng(1);
  for (const a of [0.2, 1, 4]) {
    const n = 20000;
    let s = 0;
    let s2 = 0;
    for (let k = 0; k < n; k++) {
      const v = sampleBeta(r, a, a);
      expect(v >= 0 && v <= 1).toBe(true);
      s += v;
      s2 += v * v;
    }
    const m = s / n;
    expect(m).toBeCloseTo(0.5, 1);
    expect(s2 / n - m * m).toBeCloseTo(1 / (4 * (2 * a + 1)), 2);
  }
});
