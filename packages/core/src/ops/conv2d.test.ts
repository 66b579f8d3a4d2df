import { Rng } from '@convkit/backend';
import { describeEachBackend } from '@convkit/backend/testing';
import { memory, type Tensor4D } from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { expectClose } from '../testing/assert';
import { refConv2d } from '../testing/reference';
import { type GroupedConv2dOptions, groupedConv2d } from './conv2d';
import { pair, resolvePads } from './padding';

const cases: { name: string; x: number[]; w: number[]; o: GroupedConv2dOptions }[] = [
  { name: 'dense 3x3 pad 1', x: [2, 5, 6, 3], w: [3, 3, 3, 4], o: { padding: 1 } },
  {
    name: 'stride 2, [1, 2] pad, 2x3 kernel',
    x: [1, 7, 6, 2],
    w: [2, 3, 2, 3],
    o: { strides: 2, padding: [1, 2] },
  },
  { name: 'dilation 2', x: [1, 7, 7, 2], w: [3, 3, 2, 2], o: { dilations: 2, padding: 2 } },
  {
    name: 'stride 2 with dilation 2 (subsampled)',
    x: [1, 9, 8, 2],
    w: [3, 3, 2, 3],
    o: { strides: 2, dilations: 2, padding: 1 },
  },
  {
    name: 'same, stride 2, even input',
    x: [1, 6, 6, 2],
    w: [3, 3, 2, 2],
    o: { strides: 2, padding: 'same' },
  },
  { name: 'groups 2', x: [2, 5, 5, 4], w: [3, 3, 2, 6], o: { groups: 2, padding: 1 } },
  { name: 'depthwise', x: [1, 5, 5, 3], w: [3, 3, 1, 3], o: { groups: 3, padding: 1 } },
  {
    name: 'depthwise multiplier 2, stride 2',
    x: [1, 6, 5, 3],
    w: [3, 3, 1, 6],
    o: { groups: 3, strides: 2 },
  },
  {
    name: 'depthwise dilated + strided',
    x: [1, 9, 9, 2],
    w: [3, 3, 1, 2],
    o: { groups: 2, strides: 2, dilations: 2, padding: 2 },
  },
];

describeEachBackend('groupedConv2d', (backend) => {
  // webgpu accumulates in a different order and may use fused multiply-add.
  const tol = backend === 'webgpu' ? { rtol: 1e-3, atol: 1e-4 } : { rtol: 1e-5, atol: 1e-5 };
  for (const c of cases) {
    it(`matches the loop reference: ${c.name}`, async () => {
      const rng = new Rng(3);
      const x = rng.normalTensor(c.x) as Tensor4D;
      const w = rng.normalTensor(c.w) as Tensor4D;
      const before = memory().numTensors;
      const y = groupedConv2d(x, w, c.o);
      const s = pair(c.o.strides ?? 1);
      const d = pair(c.o.dilations ?? 1);
      const pads = resolvePads(c.o.padding ?? 0, [c.x[1], c.x[2]], [c.w[0], c.w[1]], s, d);
      const groups = c.o.groups ?? 1;
      const ref = refConv2d(
        (await x.data()) as Float32Array,
        c.x,
        (await w.data()) as Float32Array,
        c.w,
        s,
        d,
        pads,
        groups,
      );
      expect(y.shape).toEqual(ref.shape);
      await expectClose(y, ref.data, tol, c.name);
      y.dispose();
      expect(memory().numTensors - before).toBe(0);
      x.dispose();
      w.dispose();
    });
  }

  it('rejects groups that do not divide the channels', () => {
    const x = new Rng(1).normalTensor([1, 4, 4, 4]) as Tensor4D;
    const w = new Rng(1).normalTensor([3, 3, 2, 3]) as Tensor4D;
    expect(() => groupedConv2d(x, w, { groups: 2 })).toThrow(/groups=2 must divide/);
    x.dispose();
    w.dispose();
  });
});
