import { Rng } from '@convkit/backend';
import { useBackend } from '@convkit/backend/testing';
import { Conv2d, Flatten, Linear, ReLU, Sequential } from '@convkit/core';
import { BatchNorm2d } from '@convkit/norms';
import { dispose, memory } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { formatCount, formatSummary, summary } from './summary';

const net = () =>
  new Sequential(
    new Conv2d({ inChannels: 3, outChannels: 4, kernelSize: 3, stride: 2, padding: 1, rng: 0 }),
    new BatchNorm2d({ numFeatures: 4 }),
    new ReLU(),
    new Conv2d({ inChannels: 4, outChannels: 8, kernelSize: 3, padding: 1, groups: 2, bias: false, rng: 0 }),
    new Flatten(),
    new Linear({ inFeatures: 128, outFeatures: 5, rng: 0 }),
  );

describe('summary', () => {
  useBackend('cpu');

  it('output shapes, parameters and multiply-adds per layer, by hand', () => {
    const model = net();
    const s = summary(model, [2, 8, 8, 3]);
    const row = (name: string) => s.layers.find((l) => l.name === name);
    expect(s.outputShape).toEqual([2, 5]);
    expect(row('0')).toMatchObject({
      className: 'Conv2d',
      depth: 1,
      outputShape: [2, 4, 4, 4],
      params: 3 * 3 * 3 * 4 + 4,
    });
    // conv: output elements · kh · kw · inChannels/groups (bias not counted).
    expect(row('0')?.macs).toBe(2 * 4 * 4 * 4 * (3 * 3 * 3));
    expect(row('1')).toMatchObject({ className: 'BatchNorm2d', params: 8, macs: 0 });
    expect(row('3')?.macs).toBe(2 * 4 * 4 * 8 * (3 * 3 * 2));
    expect(row('5')).toMatchObject({ outputShape: [2, 5], params: 128 * 5 + 5, macs: 2 * 5 * 128 });
    expect(row('')).toMatchObject({ depth: 0, params: model.numParameters() });
    expect(s.macs).toBe(3456 + 4608 + 1280);
    expect(s.params).toBe(112 + 8 + 144 + 645);
    expect(s.trainableParams).toBe(s.params);
    model.dispose();
  });

  it('restores the training mode, removes its hooks, leaks nothing; trainable counts frozen parameters out', () => {
    const model = net();
    const before = memory().numTensors;
    summary(model, [1, 8, 8, 3]);
    expect(memory().numTensors).toBe(before);
    expect(model.training).toBe(true);
    expect([...model].every((m) => m.training)).toBe(true);
    const first = [...model][0];
    first.requiresGrad(false);
    const s = summary(model.eval(), [1, 8, 8, 3]);
    expect(s.trainableParams).toBe(s.params - 112);
    expect(model.training).toBe(false);
    // The hooks are gone: a later summary sees one call per layer, not two.
    const again = summary(model, [1, 8, 8, 3]);
    expect(again.macs).toBe(s.macs);
    const x = new Rng(0).normalTensor([1, 8, 8, 3]);
    dispose([model.call(x), x]);
    model.dispose();
  });

  it('formats a table with the totals', () => {
    const model = net();
    const text = formatSummary(summary(model, [2, 8, 8, 3]), { depth: 1 });
    expect(text).toMatch(/^Layer\s+Output shape\s+Params\s+MACs$/m);
    expect(text).toMatch(/^0: Conv2d\s+\[2, 4, 4, 4\]\s+112\s+3\.5 k$/m);
    expect(text).toContain('Params: 909 (trainable 909)');
    expect(text).toContain('MACs: 9,344 (9.3 k)');
    expect(formatCount(1_814_073_344)).toBe('1.81 G');
    expect(formatCount(11_689_512)).toBe('11.69 M');
    model.dispose();
  });
});
