import { Rng } from '@convkit/backend';
import { describeEachBackend } from '@convkit/backend/testing';
import { testLayer } from '@convkit/core/testing';
import { dispose, memory, tensor } from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { LayerNorm, LayerNorm2d } from './layer-norm';
import { goldenCases, itMatchesTorch } from './test-helpers';

describeEachBackend('LayerNorm vs PyTorch', () => {
  for (const c of goldenCases('LayerNorm', 'LayerNorm2d')) itMatchesTorch(c, { rtol: 1e-4, atol: 1e-5 });

  it('statistics do not depend on the batch: a sample normalizes the same alone or in a batch', async () => {
    const before = memory().numTensors;
    const ln = new LayerNorm({ normalizedShape: [2, 3, 4] });
    const x = new Rng(1).normalTensor([3, 2, 3, 4], 5, 3);
    const all = ln.call(x);
    const x0 = tensor((await x.data()).slice(0, 24), [1, 2, 3, 4]);
    const first = ln.call(x0);
    expect(Array.from(await first.data())).toEqual(Array.from((await all.data()).slice(0, 24)));
    dispose([x, x0, all, first]);
    ln.dispose();
    expect(memory().numTensors).toBe(before);
  });

  it('rejects an input whose trailing shape differs, with PyTorch’s message', () => {
    const ln = new LayerNorm({ normalizedShape: [3] });
    const x = tensor([1, 2, 3, 4], [2, 2]);
    expect(() => ln.call(x)).toThrow('Given normalized_shape=[3], expected input with shape [*, 3]');
    expect(() => new LayerNorm2d({ numChannels: 2 }).call(x)).toThrow('expected 4D input');
    expect(() => new LayerNorm({ normalizedShape: [] })).toThrow('invalid normalizedShape');
    dispose(x);
    ln.dispose();
  });
});

testLayer({
  name: 'LayerNorm [H, W, C]',
  make: () => new LayerNorm({ normalizedShape: [3, 3, 4] }),
  inputShape: [2, 3, 3, 4],
  expectedOutputShape: [2, 3, 3, 4],
  expectedParams: 2 * 36,
});

testLayer({
  name: 'LayerNorm2d 6 (no bias)',
  make: () => new LayerNorm2d({ numChannels: 6, bias: false }),
  inputShape: [2, 3, 2, 6],
  expectedOutputShape: [2, 3, 2, 6],
  expectedParams: 6,
});
