import {
  backend_util,
  Conv2DBackpropFilter,
  Conv2DBackpropInput,
  engine,
  memory,
  type Tensor,
  tensor,
} from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../init-backend';
import { Rng } from '../random';
import { useIm2colFilterGrad, wasmConv2dFilterGradIm2col } from './conv-filter-grad-wasm';
import { convReference } from './conv-reference';
import { backendRunner } from './runner';

const maxRelError = (got: ArrayLike<number>, want: ArrayLike<number>) => {
  let scale = 1;
  let err = 0;
  for (let i = 0; i < want.length; i++) scale = Math.max(scale, Math.abs(want[i] as number));
  for (let i = 0; i < want.length; i++)
    err = Math.max(err, Math.abs((got[i] as number) - (want[i] as number)));
  return err / scale;
};

// Channel counts that are not multiples of the 16×16 transpose blocks, strides 2 (ResNet's
// downsampling convs, 3×3 and 1×1) and 3, and a stride-1 3×3 conv, against the float64 reference.
const cases = [
  { x: [2, 9, 8, 20], f: [3, 3, 20, 37], s: 2, pad: 1 },
  { x: [2, 8, 8, 19], f: [1, 1, 19, 33], s: 2, pad: 0 },
  { x: [1, 10, 11, 5], f: [4, 3, 5, 17], s: 3, pad: 'same' as const },
  { x: [2, 7, 6, 12], f: [3, 3, 12, 10], s: 1, pad: 1 },
];

describe('conv backprop on wasm: input gradient by stride phase, filter gradient by im2col or conv', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', strict: true });
  });

  for (const c of cases) {
    it(`matches the float64 reference: x=${c.x} f=${c.f} s=${c.s} pad=${c.pad}`, async () => {
      const rng = new Rng(c.f[3] ?? 0);
      const info = backend_util.computeConv2DInfo(
        c.x as [number, number, number, number],
        c.f as [number, number, number, number],
        c.s,
        1,
        c.pad,
      );
      const dyShape = [info.batchSize, info.outHeight, info.outWidth, info.outChannels];
      const size = (s: number[]) => s.reduce((a, b) => a * b);
      const x = rng.fill(size(c.x), () => rng.normal());
      const w = rng.fill(size(c.f), () => rng.normal());
      const dy = rng.fill(size(dyShape), () => rng.normal());
      const ref = convReference(x, w, dy, info, false);
      const ids = engine().backend.numDataIds();
      const [wt, dyt] = [tensor(w, c.f), tensor(dy, dyShape)];
      const dx = engine().runKernel<Tensor>(
        Conv2DBackpropInput,
        { dy: dyt, filter: wt },
        { strides: c.s, pad: c.pad, dataFormat: 'NHWC', inputShape: c.x },
      );
      expect(maxRelError(await dx.data(), ref.dx)).toBeLessThan(1e-5);
      // The 1×1 conv takes the im2col product, the others (< 256 output channels) the general path.
      expect(useIm2colFilterGrad(info)).toBe(c.f[0] === 1);
      const xt = tensor(x, c.x);
      const dw = engine().runKernel<Tensor>(
        Conv2DBackpropFilter,
        { x: xt, dy: dyt },
        { strides: c.s, pad: c.pad, dataFormat: 'NHWC', filterShape: c.f },
      );
      expect(maxRelError(await dw.data(), ref.dw)).toBeLessThan(1e-5);
      for (const t of [dx, dw, xt, wt, dyt]) t.dispose();
      expect(engine().backend.numDataIds()).toBe(ids);
    });
  }

  // The im2col pass's three ways of writing colsᵀ: one memmove an image (one channel, stride 1 both
  // ways, rows as long as x's), one a row (one channel, column stride 1: other widths, or a row stride
  // of 2), pixel by pixel (the rest); padding on either side, all of a window in the padding, and the
  // products of chunks of images summed when colsᵀ would pass its size limit.
  const im2colCases = [
    { x: [3, 9, 8, 1], f: [5, 5, 1, 6], s: 1, pad: 2, chunk: 1 << 22 },
    { x: [3, 9, 8, 1], f: [5, 5, 1, 6], s: 1, pad: 2, chunk: 200 },
    { x: [2, 7, 9, 1], f: [3, 4, 1, 5], s: 1, pad: 'valid' as const, chunk: 1 << 22 },
    { x: [2, 5, 6, 1], f: [7, 7, 1, 3], s: 1, pad: 'same' as const, chunk: 1 << 22 },
    { x: [2, 9, 9, 1], f: [5, 5, 1, 4], s: 2, pad: 2, chunk: 1 << 22 },
    { x: [2, 9, 8, 1], f: [3, 3, 1, 4], s: [2, 1] as [number, number], pad: 'same' as const, chunk: 1 << 22 },
    { x: [2, 8, 7, 3], f: [3, 3, 3, 8], s: 1, pad: 1, chunk: 1 << 22 },
    // 36 rows × 9 pixels an image: 2 images a chunk under a limit of 700 floats (3 chunks), 1 under 1.
    { x: [5, 6, 6, 4], f: [3, 3, 4, 7], s: 2, pad: 1, chunk: 700 },
    { x: [5, 6, 6, 4], f: [3, 3, 4, 7], s: 2, pad: 1, chunk: 1 },
    {
      x: [2, 6, 5, 2],
      f: [2, 3, 2, 4],
      s: 1,
      pad: [
        [0, 0],
        [0, 3],
        [2, 0],
        [0, 0],
      ] as const,
      chunk: 50,
    },
  ];
  for (const c of im2colCases) {
    it(`im2col filter gradient matches the float64 reference: x=${c.x} f=${c.f} s=${c.s} pad=${JSON.stringify(c.pad)} chunk=${c.chunk}`, () => {
      const rng = new Rng(c.f[3] ?? 0);
      const info = backend_util.computeConv2DInfo(
        c.x as [number, number, number, number],
        c.f as [number, number, number, number],
        c.s,
        1,
        c.pad as backend_util.ExplicitPadding,
      );
      const dyShape = [info.batchSize, info.outHeight, info.outWidth, info.outChannels];
      const size = (s: number[]) => s.reduce((a, b) => a * b);
      const x = rng.fill(size(c.x), () => rng.normal());
      const dy = rng.fill(size(dyShape), () => rng.normal());
      const ref = convReference(x, new Float64Array(size(c.f)), dy, info, false);
      const [xt, dyt] = [tensor(x, c.x), tensor(dy, dyShape)];
      const ids = engine().backend.numDataIds();
      const r = backendRunner(engine().backend, 'wasm');
      const dw = wasmConv2dFilterGradIm2col(r, engine().backend, xt, dyt, info, c.chunk);
      expect(dw.shape).toEqual(c.f);
      expect(maxRelError(engine().backend.readSync(dw.dataId) as Float32Array, ref.dw)).toBeLessThan(1e-5);
      r.dispose(dw);
      expect(engine().backend.numDataIds()).toBe(ids);
      xt.dispose();
      dyt.dispose();
    });
  }

  it('keeps the sub-filters of a filter used twice until the filter is disposed', async () => {
    const rng = new Rng(5);
    const w = rng.normalTensor([3, 3, 8, 16]);
    const dy = rng.normalTensor([2, 4, 4, 16]);
    const run = () =>
      engine().runKernel<Tensor>(
        Conv2DBackpropInput,
        { dy, filter: w },
        { strides: 2, pad: 1, dataFormat: 'NHWC', inputShape: [2, 8, 8, 8] },
      );
    const tensors = memory().numTensors;
    const ids = engine().backend.numDataIds();
    const first = run();
    const firstValues = await first.data();
    first.dispose();
    expect(engine().backend.numDataIds()).toBe(ids); // once: nothing kept
    const second = run();
    expect(await second.data()).toEqual(firstValues);
    second.dispose();
    expect(engine().backend.numDataIds()).toBe(ids + 4); // twice: the 4 phases' sub-filters kept
    const third = run();
    expect(await third.data()).toEqual(firstValues);
    third.dispose();
    expect(engine().backend.numDataIds()).toBe(ids + 4);
    w.dispose();
    // The next call (any filter) releases what a disposed filter kept.
    const other = rng.normalTensor([3, 3, 8, 16]);
    const fourth = engine().runKernel<Tensor>(
      Conv2DBackpropInput,
      { dy, filter: other },
      { strides: 2, pad: 1, dataFormat: 'NHWC', inputShape: [2, 8, 8, 8] },
    );
    fourth.dispose();
    other.dispose();
    dy.dispose();
    expect(engine().backend.numDataIds()).toBe(ids - 2);
    expect(memory().numTensors).toBe(tensors - 2);
  });
});
