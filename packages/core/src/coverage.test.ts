import { Rng } from '@convkit/backend';
import { testKernelCoverage } from '@convkit/backend/testing';
import { grad, type Tensor, tensor1d } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { crossEntropy } from './losses';
import type { ModuleConfig } from './module';
import { coreModules } from './registry';

// The coverage test: every kernel a convkit layer uses, forward and backward, must exist on
// every backend, and every kernel on a differentiable path must have a registered gradient.

const registry = coreModules();
const conv = (o: Record<string, unknown>) => ({ inChannels: 4, outChannels: 4, kernelSize: 3, ...o });
const act = (className: string, config: Record<string, unknown> = {}): Example => ({
  config: { className, config },
  input: [2, 5],
});
interface Example {
  config: ModuleConfig;
  input: number[];
}
const examples: Example[] = [
  { config: { className: 'Conv2d', config: conv({ padding: 1 }) }, input: [2, 5, 5, 4] },
  { config: { className: 'Conv2d', config: conv({ groups: 4, padding: 'same' }) }, input: [2, 5, 5, 4] },
  {
    config: { className: 'Conv2d', config: conv({ groups: 2, outChannels: 6, stride: 2 }) },
    input: [2, 5, 5, 4],
  },
  { config: { className: 'Conv2d', config: conv({ dilation: 2, padding: 2 }) }, input: [2, 5, 5, 4] },
  {
    config: { className: 'Conv2d', config: conv({ dilation: 2, stride: 2, groups: 4 }) },
    input: [2, 7, 7, 4],
  },
  { config: { className: 'Linear', config: { inFeatures: 5, outFeatures: 3 } }, input: [2, 5] },
  { config: { className: 'Linear', config: { inFeatures: 5, outFeatures: 3 } }, input: [2, 3, 5] },
  {
    config: { className: 'MaxPool2d', config: { kernelSize: 3, stride: 2, padding: 1 } },
    input: [2, 5, 5, 2],
  },
  {
    config: { className: 'MaxPool2d', config: { kernelSize: 2, stride: 2, dilation: 2, ceilMode: true } },
    input: [2, 6, 6, 2],
  },
  {
    config: { className: 'AvgPool2d', config: { kernelSize: 3, stride: 2, padding: 1 } },
    input: [2, 5, 5, 2],
  },
  {
    config: { className: 'AvgPool2d', config: { kernelSize: 3, padding: 1, countIncludePad: false } },
    input: [2, 5, 5, 2],
  },
  { config: { className: 'AdaptiveAvgPool2d', config: { outputSize: 1 } }, input: [2, 5, 5, 2] },
  { config: { className: 'AdaptiveAvgPool2d', config: { outputSize: 2 } }, input: [2, 4, 4, 2] },
  { config: { className: 'AdaptiveAvgPool2d', config: { outputSize: [3, 2] } }, input: [2, 7, 5, 2] },
  { config: { className: 'GlobalAvgPool2d', config: {} }, input: [2, 3, 3, 2] },
  { config: { className: 'Flatten', config: {} }, input: [2, 3, 3, 2] },
  { config: { className: 'Identity', config: {} }, input: [2, 3] },
  {
    config: {
      className: 'Sequential',
      config: {
        layers: [
          { className: 'ReLU', config: {} },
          { className: 'Identity', config: {} },
        ],
      },
    },
    input: [2, 3],
  },
  {
    config: { className: 'Residual', config: { body: { className: 'Tanh', config: {} } } },
    input: [2, 3],
  },
  act('ReLU'),
  act('LeakyReLU'),
  act('ELU'),
  act('ELU', { alpha: 0.5 }),
  act('GELU'),
  act('GELU', { approximate: 'tanh' }),
  act('SiLU'),
  act('Sigmoid'),
  act('Tanh'),
  act('Softmax'),
  { config: { className: 'Softmax', config: { axis: 1 } }, input: [2, 3, 4] },
];

const label = (e: Example) => `${e.config.className} ${JSON.stringify(e.config.config)} on [${e.input}]`;

const coverage = testKernelCoverage({
  name: 'core layers',
  classes: registry.names(),
  cases: [
    ...examples.map((e) => ({ name: label(e), module: () => registry.fromConfig(e.config), input: e.input })),
    {
      name: 'crossEntropy',
      run: (taped) => {
        const labels = tensor1d([0, 3, 4, 1], 'int32');
        grad((z: Tensor) => {
          const y = crossEntropy(z, labels);
          taped([z], y);
          return y;
        })(new Rng(3).normalTensor([4, 5]));
      },
    },
  ],
});

describe('kernel coverage of core layers: spot checks', () => {
  it('sees Conv2d use a conv kernel (plain or with fused bias) and its filter gradient', async () => {
    const conv2d = [...((await coverage.usages()).get(label(examples[0]))?.kernels ?? [])];
    expect(conv2d.filter((k) => k === 'Conv2D' || k === 'FusedConv2D')).toHaveLength(1);
    expect(conv2d).toContain('Conv2DBackpropFilter');
  });

  it('collects more than 20 distinct kernels', async () => {
    const all = new Set([...(await coverage.usages()).values()].flatMap((u) => [...u.kernels]));
    expect(all.size).toBeGreaterThan(20);
  });
});
