import {
  backend_util,
  engine,
  grad,
  MaxPoolGrad,
  maxPool,
  memory,
  mul,
  type NamedAttrMap,
  sum,
  type Tensor,
  type Tensor4D,
  tensor,
  tensor4d,
} from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { Rng } from '../random';
import { describeEachBackend } from '../testing/backends';

type Pad = 'same' | 'valid' | number | [[0, 0], [number, number], [number, number], [0, 0]];
interface Case {
  x: [number, number, number, number];
  k: number | [number, number];
  s: number | [number, number];
  pad: Pad;
  round?: 'floor' | 'round' | 'ceil';
}

/** PyTorch's rule in float64: each window's dy goes to its first in-bounds strict maximum. */
function reference(x: Float32Array, dy: Float32Array, info: backend_util.Conv2DInfo): Float64Array {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow } = info;
  const dx = new Float64Array(x.length);
  for (let b = 0; b < n; b++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++)
        for (let d = 0; d < c; d++) {
          let best = Number.NEGATIVE_INFINITY;
          let at = -1;
          for (let a = 0; a < info.filterHeight; a++)
            for (let e = 0; e < info.filterWidth; e++) {
              const r = i * info.strideHeight + a - info.padInfo.top;
              const q = j * info.strideWidth + e - info.padInfo.left;
              if (r < 0 || r >= h || q < 0 || q >= w) continue;
              const k = ((b * h + r) * w + q) * c + d;
              if ((x[k] as number) > best) {
                best = x[k] as number;
                at = k;
              }
            }
          if (at >= 0) dx[at] = (dx[at] as number) + (dy[((b * oh + i) * ow + j) * c + d] as number);
        }
  return dx;
}

const cases: Case[] = [
  { x: [1, 4, 4, 1], k: 2, s: 2, pad: 'valid' },
  { x: [2, 7, 6, 3], k: 3, s: 2, pad: 'same' },
  { x: [2, 7, 7, 2], k: 3, s: 2, pad: 1 },
  {
    x: [3, 5, 6, 2],
    k: [3, 2],
    s: [2, 1],
    pad: [
      [0, 0],
      [1, 1],
      [1, 1],
      [0, 0],
    ],
  },
  { x: [2, 9, 5, 1], k: 3, s: 1, pad: 'same' },
  { x: [1, 8, 7, 2], k: 3, s: 2, pad: 0, round: 'ceil' },
];
const label = (c: Case) =>
  `x=${c.x} k=${c.k} s=${c.s} pad=${JSON.stringify(c.pad)}${c.round ? ` ${c.round}` : ''}`;

describeEachBackend('MaxPoolGrad', (backend) => {
  it('routes a negative maximum to its argmax (tfjs 4.22 wasm sent it to the first element)', async () => {
    const before = memory().numTensors;
    const x = tensor4d([-4, -3, -2, -1], [1, 2, 2, 1]);
    const g = grad((t: Tensor) => sum(maxPool(t as Tensor4D, 2, 2, 'valid')))(x);
    expect(Array.from(await g.data())).toEqual([0, 0, 0, 1]);
    x.dispose();
    g.dispose();
    expect(memory().numTensors).toBe(before);
  });

  it('sends a tie to the first maximum (cpu, wasm, PyTorch) or the last (tfjs-webgpu)', async () => {
    const x = tensor4d([5, 7, 7, 1, 2, 7, 3, 7], [1, 2, 4, 1]);
    const g = grad((t: Tensor) => sum(maxPool(t as Tensor4D, 2, 2, 'valid')))(x);
    // tfjs-backend-webgpu 4.22's pool shader keeps the running maximum with `>=`.
    const want = backend === 'webgpu' ? [0, 0, 0, 0, 0, 1, 0, 1] : [0, 1, 1, 0, 0, 0, 0, 0];
    expect(Array.from(await g.data())).toEqual(want);
    x.dispose();
    g.dispose();
  });

  for (const [k, c] of cases.entries()) {
    it(`matches the float64 reference on negative inputs: ${label(c)}`, async () => {
      const rng = new Rng(k);
      const size = c.x.reduce((a, b) => a * b);
      // Distinct negative values: every maximum is negative and unique.
      const xv = Float32Array.from(rng.permutation(size), (v) => -0.1 * (v + 1));
      const info = backend_util.computePool2DInfo(c.x, c.k, c.s, 1, c.pad, c.round);
      const dyShape = [info.batchSize, info.outHeight, info.outWidth, info.inChannels];
      const dyv = rng.fill(
        dyShape.reduce((a, b) => a * b),
        () => rng.uniform(0.5, 1.5),
      );
      const want = reference(xv, dyv, info);
      const before = memory().numTensors;
      const dataIds = engine().backend.numDataIds();
      const x = tensor(xv, c.x);
      const dy = tensor(dyv, dyShape);
      const attrs = { filterSize: c.k, strides: c.s, pad: c.pad, dimRoundingMode: c.round } as NamedAttrMap;
      // The kernel directly (dy of any shape the pool info gives) ...
      const y = engine().runKernel<Tensor>('MaxPool', { x }, attrs);
      expect(y.shape).toEqual(dyShape);
      const dx = engine().runKernel<Tensor>(MaxPoolGrad, { dy, input: x, output: y }, attrs);
      // ... and through maxPool's registered gradient.
      const g = grad((t: Tensor) => sum(mul(maxPool(t as Tensor4D, c.k, c.s, c.pad as 'same', c.round), dy)))(
        x,
      );
      for (const got of [await dx.data(), await g.data()]) {
        let err = 0;
        for (let i = 0; i < want.length; i++)
          err = Math.max(err, Math.abs((got[i] as number) - (want[i] as number)));
        expect(err, backend).toBeLessThan(1e-5);
      }
      for (const t of [x, dy, y, dx, g]) t.dispose();
      expect(memory().numTensors).toBe(before);
      expect(engine().backend.numDataIds()).toBe(dataIds);
    });
  }
});
