import { initBackend, Rng } from '@convkit/backend';
import { mnistCnn } from '@convkit/models';
import { dispose, memory } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { exampleCnn } from './augment-cases';

describe('exampleCnn', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu', strict: true });
  });

  it('is the example CNN (mnist_cnn of @convkit/models) for 28×28×1, parameter for parameter', () => {
    const before = memory().numTensors;
    const ours = exampleCnn(28, 28, 1, 0);
    const theirs = mnistCnn({ rng: 0 });
    const a = ours.namedParameters();
    const b = theirs.namedParameters();
    expect(a.length).toBe(b.length);
    a.forEach(([, p], i) => {
      expect(p.shape).toEqual(b[i][1].shape);
      expect(p.dataSync()).toEqual(b[i][1].dataSync());
    });
    ours.dispose();
    theirs.dispose();
    expect(memory().numTensors).toBe(before);
  });

  it('takes 32×32×3 images', () => {
    const net = exampleCnn(32, 32, 3);
    const x = new Rng(0).uniformTensor([2, 32, 32, 3]);
    const y = net.call(x);
    expect(y.shape).toEqual([2, 10]);
    dispose([x, y]);
    net.dispose();
  });
});
