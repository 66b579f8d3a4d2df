import { readFileSync } from 'node:fs';
import { describeEachBackend, expectClose } from '@convkit/backend/testing';
import { crossEntropy } from '@convkit/core';
import { dispose, grad, memory, type Tensor, tensor } from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { labelSmoothingCrossEntropy } from './label-smoothing';

interface Case {
  name: string;
  shape: number[];
  smoothing: number;
  reduction: 'mean' | 'sum';
  soft: boolean;
  logits: number[];
  labels: number[] | number[][];
  loss: number;
  dlogits: number[];
  ignoreIndex?: number;
}

const golden = JSON.parse(readFileSync(new URL('../fixtures/golden.json', import.meta.url), 'utf8')) as {
  labelSmoothing: Case[];
};

const labelsOf = (c: Case): Tensor =>
  c.soft
    ? tensor(c.labels as number[], c.shape)
    : tensor((c.labels as number[]).flat(3), c.shape.slice(0, -1), 'int32');

describeEachBackend('labelSmoothingCrossEntropy vs PyTorch', () => {
  for (const c of golden.labelSmoothing) {
    it(`matches F.cross_entropy(label_smoothing=${c.smoothing}): ${c.name}`, async () => {
      const before = memory().numTensors;
      const logits = tensor(c.logits, c.shape);
      const labels = labelsOf(c);
      const options = { reduction: c.reduction, ignoreIndex: c.ignoreIndex };
      const f = (z: Tensor) => labelSmoothingCrossEntropy(z, labels, c.smoothing, options);
      const loss = f(logits);
      const dz = grad(f)(logits);
      await expectClose(loss, [c.loss], { rtol: 1e-5, atol: 1e-6 }, `${c.name}: loss`);
      await expectClose(dz, c.dlogits, { rtol: 1e-4, atol: 1e-6 }, `${c.name}: dlogits`);
      dispose([logits, labels, loss, dz]);
      expect(memory().numTensors).toBe(before);
    });
  }

  it('smoothing 0 is plain cross-entropy', async () => {
    const logits = tensor([
      [2, -1, 0.5],
      [0, 3, -2],
    ]);
    const labels = tensor([0, 2], [2], 'int32');
    const a = labelSmoothingCrossEntropy(logits, labels, 0);
    const b = crossEntropy(logits, labels);
    await expectClose(a, b, { rtol: 1e-6 });
    dispose([logits, labels, a, b]);
  });

  it('rejects a smoothing outside [0, 1], mismatched labels and ignoreIndex with soft targets', () => {
    const logits = tensor([[1, 2, 3]]);
    const labels = tensor([1], [1], 'int32');
    expect(() => labelSmoothingCrossEntropy(logits, labels, 1.5)).toThrow(
      'smoothing must be between 0.0 and 1.0',
    );
    const wrong = tensor([1, 2], [2], 'int32');
    expect(() => labelSmoothingCrossEntropy(logits, wrong, 0.1)).toThrow(
      'labels must be class indices [1] or targets [1,3]',
    );
    expect(() => labelSmoothingCrossEntropy(logits, logits, 0.1, { ignoreIndex: 0 })).toThrow(
      'ignoreIndex needs class-index labels',
    );
    dispose([logits, labels, wrong]);
  });
});
