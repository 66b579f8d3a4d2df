import { Rng } from '@convkit/backend';
import { describeEachBackend, expectClose } from '@convkit/backend/testing';
import {
  add,
  dispose,
  memory,
  mul,
  profile,
  type Scalar,
  sum,
  type Tensor,
  type Tensor1D,
  type Tensor4D,
  tidy,
  variable,
  variableGrads,
} from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
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

  // With a bias, groups 1 and dilation 1 take fused.conv2d outside a tape; the rest add it.
  const biased = [cases[0], cases[1], cases[2], cases[4], cases[5], cases[6]];
  biased.push({ name: "5x5 pad 2 (= 'same')", x: [2, 6, 6, 3], w: [5, 5, 3, 4], o: { padding: 2 } });
  for (const c of biased) {
    it(`adds the bias, with the gradients of conv + add: ${c.name}`, async () => {
      const rng = new Rng(4);
      const x = variable(rng.normalTensor(c.x));
      const w = variable(rng.normalTensor(c.w));
      const b = variable(rng.normalTensor([c.w[3]]));
      const before = memory().numTensors;
      const y = groupedConv2d(x as Tensor4D, w as Tensor4D, { ...c.o, bias: b as Tensor1D });
      const r = rng.normalTensor(y.shape);
      const loss = (withBias: boolean) => () => {
        const out = withBias
          ? groupedConv2d(x as Tensor4D, w as Tensor4D, { ...c.o, bias: b as Tensor1D })
          : add(groupedConv2d(x as Tensor4D, w as Tensor4D, c.o), b);
        return sum(mul(out, r)) as Scalar;
      };
      const fused = variableGrads(loss(true), [x, w, b]);
      const plain = variableGrads(loss(false), [x, w, b]);
      const ref = tidy(() => add(groupedConv2d(x as Tensor4D, w as Tensor4D, c.o), b));
      await expectClose(y, ref, tol, `${c.name}: y`);
      for (const v of [x, w, b]) {
        await expectClose(fused.grads[v.name], plain.grads[v.name], tol, `${c.name}: grad`);
      }
      dispose([y, r, ref, fused.value, plain.value, fused.grads, plain.grads] as Tensor[]);
      expect(memory().numTensors - before).toBe(0);
      dispose([x, w, b]);
    });
  }

  it('runs one FusedConv2D kernel for a dense conv with bias', async () => {
    const rng = new Rng(5);
    const x = rng.normalTensor([1, 6, 6, 2]) as Tensor4D;
    const w = rng.normalTensor([3, 3, 2, 3]) as Tensor4D;
    const b = rng.normalTensor([3]) as Tensor1D;
    const info = await profile(() => groupedConv2d(x, w, { padding: 1, bias: b }));
    expect(info.kernelNames).toContain('FusedConv2D');
    expect(info.kernelNames).not.toContain('Add');
    dispose([x, w, b, info.result as Tensor]);
  });

  it('adds the bias separately under a gradient tape (so dx is only computed when needed)', async () => {
    const rng = new Rng(5);
    const x = rng.normalTensor([1, 6, 6, 2]) as Tensor4D;
    const w = variable(rng.normalTensor([3, 3, 2, 3]));
    const b = variable(rng.normalTensor([3]));
    const run = () =>
      variableGrads(
        () => sum(groupedConv2d(x, w as Tensor4D, { padding: 1, bias: b as Tensor1D })) as Scalar,
        [w, b],
      );
    const info = await profile(run);
    expect(info.kernelNames).toContain('Conv2D');
    expect(info.kernelNames).not.toContain('FusedConv2D');
    expect(info.kernelNames).not.toContain('Conv2DBackpropInput');
    dispose([x, w, b, info.result]);
  });

  it('rejects a bias of the wrong length', () => {
    const x = new Rng(1).normalTensor([1, 4, 4, 2]) as Tensor4D;
    const w = new Rng(1).normalTensor([3, 3, 2, 3]) as Tensor4D;
    const b = new Rng(1).normalTensor([2]) as Tensor1D;
    expect(() => groupedConv2d(x, w, { bias: b })).toThrow(/bias \[2\] must be \[3\]/);
    dispose([x, w, b]);
  });
});
