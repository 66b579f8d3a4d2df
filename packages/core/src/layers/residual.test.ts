import { Rng } from '@convkit/backend';
import { describeEachBackend, expectClose } from '@convkit/backend/testing';
import { add, zeros } from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { ReLU } from '../activations/relu';
import { coreModules } from '../registry';
import { testLayer } from '../testing/test-layer';
import { Conv2d } from './conv2d';
import { Residual } from './residual';
import { Sequential } from './sequential';

const registry = coreModules();

testLayer({
  name: 'Residual identity shortcut',
  make: (rng) =>
    new Residual(
      new Sequential(
        new Conv2d({ inChannels: 3, outChannels: 3, kernelSize: 3, padding: 1, rng }),
        new ReLU(),
      ),
    ),
  inputShape: [2, 4, 4, 3],
  expectedOutputShape: [2, 4, 4, 3],
  expectedParams: 3 * 3 * 3 * 3 + 3,
  fromConfig: (c) => registry.fromConfig(c),
});

testLayer({
  name: 'Residual with strided projection',
  make: (rng) =>
    new Residual(
      new Conv2d({ inChannels: 2, outChannels: 4, kernelSize: 3, stride: 2, padding: 1, rng }),
      new Conv2d({ inChannels: 2, outChannels: 4, kernelSize: 1, stride: 2, bias: false, rng }),
    ),
  inputShape: [1, 6, 6, 2],
  expectedOutputShape: [1, 3, 3, 4],
  expectedParams: 3 * 3 * 2 * 4 + 4 + 2 * 4,
  fromConfig: (c) => registry.fromConfig(c),
});

describeEachBackend('Residual', () => {
  it('adds the body output to the input', async () => {
    const conv = new Conv2d({ inChannels: 2, outChannels: 2, kernelSize: 1, rng: 4 });
    const block = new Residual(conv);
    const x = new Rng(1).normalTensor([1, 2, 2, 2]);
    const y = block.call(x);
    const f = conv.call(x);
    const expected = add(f, x);
    await expectClose(y, expected, { rtol: 1e-6, atol: 1e-7 });
    expect(block.namedParameters().map(([n]) => n)).toEqual(['body.weight', 'body.bias']);
    for (const t of [x, y, f, expected]) t.dispose();
    block.dispose();
  });

  it('refuses to broadcast mismatched outputs', () => {
    const block = new Residual(new Conv2d({ inChannels: 2, outChannels: 4, kernelSize: 1 }));
    const x = zeros([1, 3, 3, 2]);
    expect(() => block.call(x)).toThrow(
      'Residual: body output [1,3,3,4] and shortcut output [1,3,3,2] differ — give a shortcut projection',
    );
    x.dispose();
    block.dispose();
  });
});
