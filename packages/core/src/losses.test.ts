import { Rng } from '@convkit/backend';
import { describeEachBackend, expectClose } from '@convkit/backend/testing';
import {
  dispose,
  grad,
  memory,
  oneHot,
  softmax,
  sub,
  type Tensor,
  tensor,
  tensor1d,
  tensor2d,
} from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { crossEntropy } from './losses';

describeEachBackend('crossEntropy', (backend) => {
  const tol = backend === 'webgpu' ? { rtol: 1e-4, atol: 1e-5 } : { rtol: 1e-5, atol: 1e-6 };

  it('equals -mean log softmax at the label; indices and one-hot agree', async () => {
    const logits = tensor2d([
      [1, 2, 3],
      [0, 0, 0],
    ]);
    const labels = tensor1d([2, 1], 'int32');
    const expected = (-Math.log(Math.exp(3) / (Math.exp(1) + Math.exp(2) + Math.exp(3))) + Math.log(3)) / 2;
    const a = crossEntropy(logits, labels);
    const hot = oneHot(labels, 3);
    const b = crossEntropy(logits, hot);
    const c = crossEntropy(logits, labels, { reduction: 'sum' });
    expect(a.shape).toEqual([]);
    await expectClose(a, [expected], tol);
    await expectClose(b, [expected], tol);
    await expectClose(c, [2 * expected], tol);
    dispose([logits, labels, a, hot, b, c]);
  });

  it('has a registered gradient: d/dz = (softmax(z) - onehot) / N', async () => {
    const z = new Rng(2).normalTensor([4, 5], 0, 3);
    const labels = tensor1d([0, 4, 2, 2], 'int32');
    const before = memory().numTensors;
    const dz = grad((t) => crossEntropy(t, labels))(z);
    expect(memory().numTensors - before).toBe(1);
    const expected = tensor(
      Array.from(await sub(softmax(z), oneHot(labels, 5)).data(), (v) => v / 4),
      [4, 5],
    );
    await expectClose(dz, expected, tol);
    dispose([z, labels, dz, expected]);
  });

  it('stays finite for huge logits', async () => {
    const z = tensor2d([[1e4, -1e4, 0]]);
    const labels = tensor1d([1], 'int32');
    const loss = crossEntropy(z, labels);
    const dz = grad((t) => crossEntropy(t, labels))(z);
    await expectClose(loss, [2e4], { rtol: 1e-6 });
    expect((await dz.data()).every(Number.isFinite)).toBe(true);
    dispose([z, labels, loss, dz]);
  });

  it('rejects mismatched shapes', () => {
    const z = tensor2d([[1, 2, 3]]);
    const bad = [tensor1d([0, 1], 'int32'), tensor2d([[0, 1]]), tensor([1, 2, 3], [1, 1, 3])];
    for (const labels of bad)
      expect(() => crossEntropy(z, labels)).toThrow(
        /crossEntropy: labels must be class indices \[1\] or targets \[1, 3\]/,
      );
    expect(() => crossEntropy(tensor1d([1, 2]), bad[0])).toThrow(
      'crossEntropy: expected logits [N, K], got [2]',
    );
    const label = tensor1d([0], 'int32');
    expect(() => crossEntropy(z, label, { labelSmoothing: 1.5 })).toThrow(
      'crossEntropy: labelSmoothing must be between 0.0 and 1.0, got 1.5',
    );
    label.dispose();
    dispose([z, ...bad]);
  });

  it('ignoreIndex: the ignored examples add no loss, no gradient, and leave the mean', async () => {
    const before = memory().numTensors;
    const z = tensor2d([
      [1, 2, 3],
      [4, -1, 0],
      [0.5, 0.5, 2],
    ]);
    const labels = tensor1d([2, 1, 1], 'int32');
    const allOne = tensor1d([1, 1, 1], 'int32');
    const first = tensor2d([[1, 2, 3]]);
    const two = tensor1d([2], 'int32');
    const f = (zi: Tensor) => crossEntropy(zi, labels, { ignoreIndex: 1 });
    const loss = f(z);
    const ref = crossEntropy(first, two);
    const dz = grad(f)(z);
    const none = crossEntropy(z, allOne, { ignoreIndex: 1 });
    expect((await loss.data())[0]).toBeCloseTo((await ref.data())[0], 5);
    expect(
      ((await dz.array()) as number[][])
        .slice(1)
        .flat()
        .every((v) => v === 0),
    ).toBe(true);
    expect(Number.isNaN((await none.data())[0])).toBe(true); // 0 / 0, as PyTorch
    expect(() => crossEntropy(z, z, { ignoreIndex: 1 })).toThrow(/ignoreIndex needs class-index labels/);
    dispose([z, labels, allOne, first, two, loss, ref, dz, none]);
    expect(memory().numTensors).toBe(before);
  });
});
