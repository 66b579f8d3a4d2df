import { describeEachBackend, expectClose } from '@convkit/backend/testing';
import { memory, type Tensor4D, tensor } from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { CIFAR10_STATS, DATASET_STATS, FASHION_MNIST_STATS, IMAGENET_STATS, MNIST_STATS } from './constants';
import { denormalize, normalizeChannels, toFloat } from './normalize';
import { randomImages, values } from './test-helpers';

describeEachBackend('normalize / denormalize / toFloat', () => {
  it('normalize is (x − mean_c) / std_c per channel; denormalize undoes it', async () => {
    const before = memory().numTensors;
    const x = randomImages([2, 3, 4, 3], 7);
    const { mean, std } = CIFAR10_STATS;
    const y = normalizeChannels(x, mean, std);
    const src = await values(x);
    const f = Math.fround;
    const expected = src.map((v, i) => f(f(v - f(mean[i % 3])) / f(std[i % 3])));
    await expectClose(await values(y), expected, { rtol: 0, atol: 1e-6 });
    const back = denormalize(y, mean, std);
    await expectClose(await values(back), src, { rtol: 0, atol: 1e-6 });
    for (const t of [x, y, back]) t.dispose();
    expect(memory().numTensors).toBe(before);
  });

  it('toFloat maps uint8 to [0, 1] as x / 255 (bit-exact with torchvision ToTensor)', async () => {
    const px = Uint8Array.from([0, 1, 127, 128, 254, 255]);
    const a = toFloat(px, [1, 1, 6, 1]);
    expect(a.dtype).toBe('float32');
    expect(await values(a)).toEqual(Array.from(px, (v) => Math.fround(v / 255)));
    const t = tensor(Array.from(px), [1, 2, 3, 1], 'int32');
    const b = toFloat(t, undefined, 1 / 2);
    expect(await values(b)).toEqual(Array.from(px, (v) => v / 2));
    expect(() => toFloat(px)).toThrow(/needs its shape/);
    for (const v of [a, t, b]) v.dispose();
  });

  it('validates channels and std', () => {
    const x = randomImages([1, 2, 2, 1]);
    expect(() => normalizeChannels(x, [0.1, 0.2], [0.3, 0.4])).toThrow(
      /std needs 1 finite number \(1 channel\), got \[0.3,0.4\]/,
    );
    expect(() => normalizeChannels(x, 0.5, 0)).toThrow(/std must be > 0/);
    expect(() => normalizeChannels(tensor([1]) as unknown as Tensor4D, 0, 1)).toThrow(/rank-4/);
    x.dispose();
  });
});

it('ships the usual dataset constants', () => {
  expect(MNIST_STATS).toEqual({ mean: [0.1307], std: [0.3081] });
  expect(FASHION_MNIST_STATS).toEqual({ mean: [0.286], std: [0.353] });
  expect(CIFAR10_STATS.std).toEqual([0.247, 0.2435, 0.2616]);
  expect(IMAGENET_STATS.mean).toEqual([0.485, 0.456, 0.406]);
  expect(Object.keys(DATASET_STATS)).toEqual(['mnist', 'fashion-mnist', 'cifar10', 'imagenet']);
});
