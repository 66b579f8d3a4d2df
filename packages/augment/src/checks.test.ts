import { Rng } from '@convkit/backend';
import { describeEachBackend } from '@convkit/backend/testing';
import { memory, tensor, tensor1d } from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { compose, step } from './compose';
import { cutmix } from './cutmix';
import { randomHorizontalFlip } from './flip';
import { mixup } from './mixup';
import { toFloat } from './normalize';
import { randAugment } from './rand-augment';
import { randomImages, values } from './test-helpers';

describeEachBackend('augment: values that gave wrong numbers or raw TypeErrors are rejected', () => {
  it('toFloat: scale 0 (all-zero images) or negative is refused', () => {
    const px = Uint8Array.from([0, 255]);
    expect(() => toFloat(px, [1, 1, 2, 1], 0)).toThrow('toFloat: scale must be > 0, got 0');
    expect(() => toFloat(px, [1, 1, 2, 1], -1 / 255)).toThrow('toFloat: scale must be > 0');
  });

  it('mixup / cutmix: a class id outside [0, numClasses) is named instead of an all-zero label row', () => {
    const x = randomImages([4, 2, 2, 1]);
    const before = memory().numTensors;
    for (const [ids, bad, at] of [
      [[0, 1, 3, 0], 3, 2],
      [[0, -1, 1, 0], -1, 1],
      [[0, 1, 2, 1.5], 1.5, 3],
    ] as const) {
      const labels = tensor1d([...ids], ids.some((v) => !Number.isInteger(v)) ? 'float32' : 'int32');
      for (const [op, f] of [
        ['mixup', () => mixup(x, labels, new Rng(0), { numClasses: 3 })],
        ['cutmix', () => cutmix(x, labels, new Rng(0), { numClasses: 3 })],
      ] as const) {
        expect(f).toThrow(
          `${op}: class id ${bad} at labels[${at}] is not an integer in [0, 3) (numClasses 3)`,
        );
      }
      labels.dispose();
    }
    expect(memory().numTensors).toBe(before);
    const ok = tensor1d([0, 1, 2, 2], 'int32');
    const { images, labels } = mixup(x, ok, new Rng(0), { numClasses: 3 });
    expect(labels.shape).toEqual([4, 3]);
    for (const t of [x, ok, images, labels]) t.dispose();
  });

  it('randAugment: ops by name, an unknown name listed with a did-you-mean', async () => {
    const x = randomImages([2, 4, 4, 3]);
    const y = randAugment(x, new Rng(1), { n: 1, m: 30, ops: ['solarize'] });
    const want = (await values(x)).map((v) => (v >= 0 ? 1 - v : v)); // threshold 1 − 1 = 0: every pixel inverted
    expect((await values(y)).map((v, i) => Math.abs(v - (want[i] as number)) < 1e-6)).not.toContain(false);
    expect(() => randAugment(x, new Rng(0), { ops: ['nope'] })).toThrow(
      "randAugment: ops[0] must be one of 'identity', 'shearX', 'shearY', 'translateX'",
    );
    expect(() => randAugment(x, new Rng(0), { ops: ['rotate', 'Solarise'] })).toThrow(
      "got 'Solarise' (did you mean 'solarize'?)",
    );
    expect(() => randAugment(x, new Rng(0), { ops: [{ name: 'x' } as never] })).toThrow(
      'randAugment: ops[0] must be an op name (identity, shearX,',
    );
    for (const t of [x, y]) t.dispose();
  });

  it('compose: an op passed without step() is named, with the fix (not blamed on p)', () => {
    expect(() => compose([randomHorizontalFlip as never])).toThrow(
      'compose: steps[0] is the function randomHorizontalFlip, not a step: wrap it as step(randomHorizontalFlip, options, p)',
    );
    expect(() => compose([step(randomHorizontalFlip), null as never])).toThrow(
      'compose: steps[1] must come from step(...) or fixed(...), got null',
    );
    expect(() => step(undefined as never)).toThrow('step: op must be an augmentation function');
    const pipe = compose([step(randomHorizontalFlip)]);
    const x = tensor([1, 2], [1, 1, 2, 1]);
    expect(() => pipe(x as never, 3 as never)).toThrow('compose: rng must be an Rng, got 3');
    x.dispose();
  });
});
