import {
  backend_util,
  Conv2DBackpropFilter,
  Conv2DBackpropInput,
  DepthwiseConv2dNativeBackpropFilter,
  DepthwiseConv2dNativeBackpropInput,
  engine,
  memory,
  type Tensor,
  tensor,
  tidy,
} from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { Rng } from '../random';
import { describeEachBackend } from '../testing/backends';
import { conv2dFilterGrad, conv2dInputGrad, depthwiseFilterGrad, depthwiseInputGrad } from '.';
import { convReference } from './conv-reference';
import { engineRunner } from './runner';

type Pad = 'same' | 'valid' | number | [[0, 0], [number, number], [number, number], [0, 0]];
interface Case {
  x: [number, number, number, number];
  f: [number, number, number, number];
  s: [number, number];
  d: [number, number];
  pad: Pad;
}

// Strides 1/2/3, dilations 1/2/3, same/valid/number/explicit (asymmetric) padding, odd sizes, batch 1–3,
// a padding larger than the kernel (the crop path) and both strides and dilations > 1.
const cases: Case[] = [
  { x: [2, 7, 9, 3], f: [3, 3, 3, 4], s: [1, 1], d: [1, 1], pad: 'same' },
  { x: [1, 8, 8, 2], f: [3, 3, 2, 5], s: [2, 2], d: [1, 1], pad: 'same' },
  { x: [3, 9, 7, 2], f: [2, 3, 2, 3], s: [2, 3], d: [1, 1], pad: 'valid' },
  { x: [1, 6, 7, 2], f: [2, 2, 2, 3], s: [3, 2], d: [1, 1], pad: 1 },
  { x: [2, 9, 9, 2], f: [1, 1, 2, 3], s: [2, 2], d: [1, 1], pad: 'valid' },
  {
    x: [2, 5, 6, 1],
    f: [5, 3, 1, 2],
    s: [1, 2],
    d: [1, 1],
    pad: [
      [0, 0],
      [6, 0],
      [0, 4],
      [0, 0],
    ],
  },
  { x: [2, 10, 9, 3], f: [3, 2, 3, 2], s: [1, 1], d: [2, 3], pad: 'same' },
  { x: [2, 11, 10, 2], f: [3, 3, 2, 2], s: [1, 1], d: [2, 2], pad: 'valid' },
  {
    x: [2, 9, 8, 3],
    f: [3, 3, 3, 2],
    s: [2, 2],
    d: [2, 2],
    pad: [
      [0, 0],
      [1, 2],
      [2, 0],
      [0, 0],
    ],
  },
];

const label = (c: Case) => `x=${c.x} f=${c.f} s=${c.s} d=${c.d} pad=${JSON.stringify(c.pad)}`;
const dilated = (c: Case) => c.d[0] > 1 || c.d[1] > 1;

function maxRelError(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let scale = 1;
  for (let i = 0; i < want.length; i++) scale = Math.max(scale, Math.abs(want[i] as number));
  let err = 0;
  for (let i = 0; i < want.length; i++)
    err = Math.max(err, Math.abs((got[i] as number) - (want[i] as number)));
  return err / scale;
}

function setup(c: Case, depthwise: boolean, seed: number) {
  const rng = new Rng(seed);
  const info = backend_util.computeConv2DInfo(c.x, c.f, c.s, c.d, c.pad, undefined, depthwise);
  const dyShape = [info.batchSize, info.outHeight, info.outWidth, info.outChannels];
  const x = rng.fill(
    c.x.reduce((a, b) => a * b),
    () => rng.normal(),
  );
  const w = rng.fill(
    c.f.reduce((a, b) => a * b),
    () => rng.normal(),
  );
  const dy = rng.fill(
    dyShape.reduce((a, b) => a * b),
    () => rng.normal(),
  );
  return { info, x, w, dy, dyShape, ref: convReference(x, w, dy, info, depthwise) };
}

/** Runs `f` and checks that it leaves no tensor and no backend buffer behind (beyond its result). */
async function noLeak(f: () => Tensor): Promise<Float32Array> {
  const tensors = memory().numTensors;
  const ids = engine().backend.numDataIds();
  const out = f();
  const values = (await out.data()) as Float32Array;
  out.dispose();
  expect(memory().numTensors).toBe(tensors);
  expect(engine().backend.numDataIds()).toBe(ids);
  return values;
}

const tol = 1e-5;

describeEachBackend('conv2d backprop via forward convs', () => {
  for (const [k, c] of cases.entries()) {
    it(`matches the float64 reference: ${label(c)}`, async () => {
      const { info, x, w, dy, dyShape, ref } = setup(c, false, k);
      const run = (f: (xt: Tensor, wt: Tensor, dyt: Tensor) => Tensor) =>
        noLeak(() => tidy(() => f(tensor(x, c.x), tensor(w, c.f), tensor(dy, dyShape))));
      const dw = await run((xt, _, dyt) => conv2dFilterGrad(engineRunner, xt, dyt, info) as Tensor);
      const dx = await run((_, wt, dyt) => conv2dInputGrad(engineRunner, dyt, wt, info) as Tensor);
      expect(maxRelError(dw, ref.dw)).toBeLessThan(tol);
      expect(maxRelError(dx, ref.dx)).toBeLessThan(tol);
    });
    // The backend's registered kernels (convkit's or tfjs's, see kernels/index.ts) agree too. They take
    // no dilations (tfjs's Conv2DBackprop* attributes have none): Conv2D's gradient composes dilated
    // cases from forward convs instead, checked above.
    const why = dilated(c) ? ' (skipped: Conv2DBackprop* kernels take no dilations)' : '';
    it.skipIf(dilated(c))(`the registered kernels match too: ${label(c)}${why}`, async () => {
      const { x, w, dy, dyShape, ref } = setup(c, false, k);
      const run = (f: (xt: Tensor, wt: Tensor, dyt: Tensor) => Tensor) =>
        noLeak(() => tidy(() => f(tensor(x, c.x), tensor(w, c.f), tensor(dy, dyShape))));
      const attrs = { strides: c.s, pad: c.pad, dataFormat: 'NHWC' };
      const kdw = await run((xt, _, dyt) =>
        engine().runKernel(Conv2DBackpropFilter, { x: xt, dy: dyt }, { ...attrs, filterShape: c.f }),
      );
      const kdx = await run((_, wt, dyt) =>
        engine().runKernel(Conv2DBackpropInput, { dy: dyt, filter: wt }, { ...attrs, inputShape: c.x }),
      );
      expect(maxRelError(kdw, ref.dw)).toBeLessThan(tol);
      expect(maxRelError(kdx, ref.dx)).toBeLessThan(tol);
    });
  }

  it('Conv2DBackpropInput/Filter kernels accept NCHW', async () => {
    const c = cases[1] as Case;
    const { x, w, dy, dyShape, ref } = setup(c, false, 99);
    const toNCHW = (v: Float32Array, shape: number[]) =>
      engine().runKernel<Tensor>('Transpose', { x: tensor(v, shape) }, { perm: [0, 3, 1, 2] });
    const [n, h, wd, ci] = c.x;
    const attrs = { strides: c.s, pad: c.pad, dataFormat: 'NCHW' };
    const kdx = await noLeak(() =>
      tidy(() => {
        const dxT = engine().runKernel<Tensor>(
          Conv2DBackpropInput,
          { dy: toNCHW(dy, dyShape), filter: tensor(w, c.f) },
          { ...attrs, inputShape: [n, ci, h, wd] },
        );
        return engine().runKernel<Tensor>('Transpose', { x: dxT }, { perm: [0, 2, 3, 1] });
      }),
    );
    const kdw = await noLeak(() =>
      tidy(() =>
        engine().runKernel<Tensor>(
          Conv2DBackpropFilter,
          { x: toNCHW(x, c.x), dy: toNCHW(dy, dyShape) },
          { ...attrs, filterShape: c.f },
        ),
      ),
    );
    expect(maxRelError(kdx, ref.dx)).toBeLessThan(tol);
    expect(maxRelError(kdw, ref.dw)).toBeLessThan(tol);
  });
});

describeEachBackend('depthwise conv2d backprop via forward convs', (backend) => {
  for (const [k, c0] of cases.entries()) {
    // Depthwise filters are [KH, KW, C, M]: multiplier 1 and 2.
    const c: Case = { ...c0, f: [c0.f[0], c0.f[1], c0.x[3], 1 + (k % 2)] };
    // cpu's DepthwiseConv2dNative refuses strides and dilations both > 1, in the forward pass too.
    const refused = backend === 'cpu' && c.s[0] > 1 && dilated(c);
    const why = refused
      ? " (skipped on cpu: tfjs-cpu's depthwise conv refuses strides and dilations both > 1)"
      : '';
    it.skipIf(refused)(`matches the float64 reference: ${label(c)}${why}`, async () => {
      const { info, x, w, dy, dyShape, ref } = setup(c, true, 100 + k);
      const run = (f: (xt: Tensor, wt: Tensor, dyt: Tensor) => Tensor) =>
        noLeak(() => tidy(() => f(tensor(x, c.x), tensor(w, c.f), tensor(dy, dyShape))));
      const dw = await run((xt, _, dyt) => depthwiseFilterGrad(engineRunner, xt, dyt, info) as Tensor);
      const dx = await run((_, wt, dyt) => depthwiseInputGrad(engineRunner, dyt, wt, info) as Tensor);
      expect(maxRelError(dw, ref.dw)).toBeLessThan(tol);
      expect(maxRelError(dx, ref.dx)).toBeLessThan(tol);
      // The registered kernels are convkit's on every backend: dilations honoured (tfjs's ignore them).
      const attrs = { strides: c.s, dilations: c.d, pad: c.pad };
      const kdw = await run((xt, _, dyt) =>
        engine().runKernel(
          DepthwiseConv2dNativeBackpropFilter,
          { x: xt, dy: dyt },
          { ...attrs, filterShape: c.f },
        ),
      );
      const kdx = await run((_, wt, dyt) =>
        engine().runKernel(
          DepthwiseConv2dNativeBackpropInput,
          { dy: dyt, filter: wt },
          { ...attrs, inputShape: c.x },
        ),
      );
      expect(maxRelError(kdw, ref.dw)).toBeLessThan(tol);
      expect(maxRelError(kdx, ref.dx)).toBeLessThan(tol);
    });
  }
});
