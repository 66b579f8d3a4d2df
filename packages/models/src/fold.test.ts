import { Rng } from '@convkit/backend';
import { describeEachBackend, expectClose } from '@convkit/backend/testing';
import { foldNorms, type Module } from '@convkit/core';
import { dispose, memory, type Tensor, type Variable } from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { ResNet } from './resnet';

// foldNorms reaches the zoo's ResNet blocks and stem, which have their own forward (core's
// convNormAct): the folded model computes what the layers compute one by one.

/** Running statistics and affine parameters away from 0 and 1 in every norm. */
function randomizeNorms(model: Module, rng: Rng): void {
  for (const [, m] of model.namedModules()) {
    const n = m as { runningMean?: Variable; runningVar?: Variable; weight?: Variable; bias?: Variable };
    if (!n.runningMean || !n.runningVar) continue;
    const c = n.runningMean.shape as number[];
    for (const [v, t] of [
      [n.runningMean, rng.normalTensor(c, 0.3, 1)],
      [n.runningVar, rng.uniformTensor(c, 0.3, 2)],
      [n.weight, rng.normalTensor(c, 1, 0.3)],
      [n.bias, rng.normalTensor(c, 0, 0.3)],
    ] as [Variable | undefined, Tensor][]) {
      v?.assign(t);
      t.dispose();
    }
  }
}

describeEachBackend('foldNorms on the zoo ResNets', () => {
  for (const block of ['basic', 'bottleneck'] as const) {
    it(`folds the stem and every ${block} block in eval mode, with the same output`, async () => {
      const start = memory().numTensors;
      const net = new ResNet({
        block,
        layers: [1, 1],
        stem: 'small',
        widthMultiplier: 0.125,
        numClasses: 5,
        rng: 2,
      });
      randomizeNorms(net, new Rng(3));
      net.eval();
      const x = new Rng(4).normalTensor([2, 8, 8, 3]);
      const want = net.call(x);
      foldNorms(net);
      expect(net.foldInEval).toBe(true);
      const before = memory().numTensors;
      const got = net.call(x);
      await expectClose(got, want, { rtol: 1e-4, atol: 1e-4 });
      // Every conv (stem, blocks, shortcuts; all without bias) is followed by a norm and folds: it keeps
      // its folded filter and bias and snapshots of its weight and the norm's 4 tensors.
      const convs = [...net.namedModules()].filter(([, m]) => m.className === 'Conv2d').length;
      expect(memory().numTensors - before - 1).toBe(convs * (2 + 5));
      net.train(); // frees them
      expect(memory().numTensors).toBe(before + 1);
      dispose([x, want, got]);
      net.dispose();
      expect(memory().numTensors).toBe(start);
    });
  }
});
