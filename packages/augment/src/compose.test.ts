import { Rng } from '@convkit/backend';
import { describeEachBackend } from '@convkit/backend/testing';
import { memory, type Tensor4D } from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { compose, fixed, step } from './compose';
import { randomHorizontalFlip } from './flip';
import { normalizeChannels } from './normalize';
import { randomCrop } from './random-crop';
import { rotate } from './rotate';
import { indexImages, values } from './test-helpers';

describeEachBackend('compose', () => {
  const shape: [number, number, number, number] = [6, 5, 5, 1];
  const norm = fixed('normalize', (x) => normalizeChannels(x, 100, 2));

  it('training runs each random step on its own forked stream, in order', async () => {
    const x = indexImages(shape);
    const pipe = compose([step(randomCrop, { padding: 1 }), step(randomHorizontalFlip), norm]);
    const y = pipe(x, new Rng(9));
    const r = new Rng(9);
    const a = randomCrop(x, r.fork(), { padding: 1 });
    const b = randomHorizontalFlip(a, r.fork());
    const c = normalizeChannels(b, 100, 2);
    expect(await values(y)).toEqual(await values(c));
    expect(pipe.steps.map((s) => [s.name, s.random])).toEqual([
      ['randomCrop', true],
      ['randomHorizontalFlip', true],
      ['normalize', false],
    ]);
    for (const t of [x, y, a, b, c]) t.dispose();
  });

  it('evaluation mode skips random steps and still applies preprocessing', async () => {
    const x = indexImages(shape);
    const pipe = compose([step(randomCrop, { padding: 2 }), norm, step(randomHorizontalFlip, { p: 1 })]);
    const e1 = pipe(x, undefined, { training: false });
    const e2 = pipe.eval(x);
    const ref = normalizeChannels(x, 100, 2);
    expect(await values(e1)).toEqual(await values(ref));
    expect(await values(e2)).toEqual(await values(ref));
    expect(() => pipe(x)).toThrow(/training mode needs an Rng/);
    for (const t of [x, e1, e2, ref]) t.dispose();
  });

  it('per-step probability: unselected samples are untouched, selected ones transformed', async () => {
    const x = indexImages(shape);
    const rot90 = (t: Tensor4D) => rotate(t, new Array(t.shape[0]).fill(90));
    const pipe = compose([step((t: Tensor4D) => rot90(t), undefined, 0.5, 'rot90')]);
    const y = pipe(x, new Rng(2));
    const coins = new Rng(2).fork();
    const mask = Array.from({ length: 6 }, () => coins.uniform() < 0.5);
    expect(mask.some(Boolean) && !mask.every(Boolean)).toBe(true);
    const all = rot90(x);
    const [src, rv, out] = [await values(x), await values(all), await values(y)];
    for (let b = 0; b < 6; b++) {
      const sl = (a: number[]) => a.slice(b * 25, b * 25 + 25);
      const want = mask[b] ? sl(rv) : sl(src);
      for (const [k, v] of sl(out).entries()) expect(Math.abs(v - want[k])).toBeLessThan(1e-3);
    }
    expect(() => step(randomCrop, {}, 1.2)).toThrow(/probability/);
    expect(() => compose([{} as never])).toThrow(/step\(\.\.\.\) or fixed/);
    for (const t of [x, y, all]) t.dispose();
  });

  it('leaks no tensors over 1000 calls', () => {
    const x = indexImages([2, 6, 6, 1]);
    const pipe = compose([step(randomCrop, { padding: 2 }), step(randomHorizontalFlip, {}, 0.5), norm]);
    const rng = new Rng(0);
    const before = memory().numTensors;
    for (let k = 0; k < 1000; k++) pipe(x, rng).dispose();
    expect(memory().numTensors).toBe(before);
    x.dispose();
  });
});
