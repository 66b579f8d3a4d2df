import { initBackend, Rng } from '@convkit/backend';
import { dispose, memory } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createMnistCnn } from '../../examples/mnist/src/train-lib';
import { exampleCnn } from './augment-cases';

describe('exampleCnn', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu', strict: true });
  });

  it('is the example CNN for 28×28×1, parameter for parameter', () => {
    const before = memory().numTensors;
    const ours = exampleCnn(28, 28, 1, 0);
    const theirs = createMnistCnn(0);
    expect(ours.toConfig()).toEqual(theirs.toConfig());
    const a = ours.namedParameters();
    const b = theirs.namedParameters();
    expect(a.map(([name]) => name)).toEqual(b.map(([name]) => name));
    a.forEach(([, p], i) => {
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
