import { describeEachBackend } from '@convkit/backend/testing';
import { zeros } from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { ReLU } from '../activations/relu';
import { coreModules } from '../registry';
import { testLayer } from '../testing/test-layer';
import { Conv2d } from './conv2d';
import { Flatten } from './flatten';
import { Linear } from './linear';
import { MaxPool2d } from './max-pool2d';
import { Sequential } from './sequential';

const registry = coreModules();

testLayer({
  name: 'Sequential conv-relu-pool-flatten-linear',
  make: (rng) =>
    new Sequential(
      new Conv2d({ inChannels: 2, outChannels: 4, kernelSize: 3, padding: 1, rng }),
      new ReLU(),
      new MaxPool2d({ kernelSize: 2 }),
      new Flatten(),
      new Linear({ inFeatures: 4 * 2 * 2, outFeatures: 3, rng }),
    ),
  inputShape: [2, 4, 4, 2],
  expectedOutputShape: [2, 3],
  expectedParams: 3 * 3 * 2 * 4 + 4 + 16 * 3 + 3,
  fromConfig: (c) => registry.fromConfig(c),
});

describeEachBackend('Sequential', () => {
  it('names children 0, 1, … and grows with add()', () => {
    const net = new Sequential(new Conv2d({ inChannels: 1, outChannels: 2, kernelSize: 1 })).add(new ReLU());
    net.add(new Linear({ inFeatures: 2, outFeatures: 2 }));
    expect(net.length).toBe(3);
    expect(net.at(-1)?.className).toBe('Linear');
    expect([...net].map((m) => m.className)).toEqual(['Conv2d', 'ReLU', 'Linear']);
    expect(net.namedParameters().map(([n]) => n)).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    net.dispose();
  });

  it('prefixes a child error with its index, nested', () => {
    const net = new Sequential(new Sequential(new Conv2d({ inChannels: 3, outChannels: 16, kernelSize: 3 })));
    const x = zeros([8, 3, 32, 32]);
    expect(() => net.call(x)).toThrow(
      'Sequential[0] → Sequential[0] → Conv2d(3→16): expected input [N, H, W, 3] (NHWC), got [8, 3, 32, 32]',
    );
    x.dispose();
    net.dispose();
  });
});
