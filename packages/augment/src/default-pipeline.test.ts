import { Rng } from '@convkit/backend';
import { describeEachBackend } from '@convkit/backend/testing';
import { expect, it } from 'vitest';
import { CIFAR10_STATS, FASHION_MNIST_STATS } from './constants';
import { defaultTrainPipeline } from './default-pipeline';
import { normalizeChannels } from './normalize';
import { randomImages, values } from './test-helpers';

describeEachBackend('default training pipeline', () => {
  it('is pad-crop+flip → jitter → normalize → erasing; eval is normalize only', async () => {
    const pipe = defaultTrainPipeline({ stats: CIFAR10_STATS });
    expect(pipe.steps.map((s) => s.name)).toEqual([
      'randomCrop',
      'colorJitter',
      'normalize',
      'randomErasing',
    ]);
    const x = randomImages([4, 8, 8, 3], 1);
    const e = pipe.eval(x);
    const ref = normalizeChannels(x, CIFAR10_STATS.mean, CIFAR10_STATS.std);
    expect(await values(e)).toEqual(await values(ref));
    const t = pipe(x, new Rng(3));
    expect(t.shape).toEqual([4, 8, 8, 3]);
    expect((await values(t)).every(Number.isFinite)).toBe(true);
    expect(await values(t)).not.toEqual(await values(ref));
    for (const v of [x, e, ref, t]) v.dispose();
  });

  it('on 1-channel data it jitters brightness/contrast only', async () => {
    const pipe = defaultTrainPipeline({ stats: FASHION_MNIST_STATS, padding: 2 });
    const x = randomImages([3, 6, 6, 1], 2);
    const y = pipe(x, new Rng(0));
    expect(y.shape).toEqual([3, 6, 6, 1]);
    expect(() => defaultTrainPipeline({ stats: { mean: [0.5], std: [] } })).toThrow(/one entry per channel/);
    x.dispose();
    y.dispose();
  });
});
