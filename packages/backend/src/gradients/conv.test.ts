import {
  Conv2D,
  conv2d,
  conv2dTranspose,
  depthwiseConv2d,
  engine,
  grads,
  memory,
  mul,
  sum,
  type Tensor,
  type Tensor4D,
  tensor,
  tidy,
  transpose,
} from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import golden from '../../fixtures/golden.json';
import { Rng } from '../random';
import { describeEachBackend, useBackend } from '../testing/backends';
import { gradCheck } from './gradcheck';

type Pad = [[0, 0], [number, number], [number, number], [0, 0]];
interface Golden {
  name: string;
  depthwise: boolean;
  strides: [number, number];
  dilations: [number, number];
  pad: Pad;
  xShape: number[];
  wShape: number[];
  yShape: number[];
  x: number[];
  w: number[];
  dy: number[];
  y: number[];
  dx: number[];
  dw: number[];
}

function relError(got: ArrayLike<number>, want: number[]): number {
  const scale = Math.max(1, ...want.map(Math.abs));
  let err = 0;
  for (let i = 0; i < want.length; i++)
    err = Math.max(err, Math.abs((got[i] as number) - (want[i] as number)));
  return err / scale;
}

function forward(c: Golden, x: Tensor, w: Tensor): Tensor {
  if (c.depthwise)
    return depthwiseConv2d(x as Tensor4D, w as Tensor4D, c.strides, c.pad, 'NHWC', c.dilations);
  // tfjs's conv2d op refuses strides and dilations both > 1; the kernel (and our gradient) do not.
  if (c.strides.some((s) => s > 1) && c.dilations.some((d) => d > 1)) {
    return engine().runKernel(
      Conv2D,
      { x, filter: w },
      { strides: c.strides, pad: c.pad, dilations: c.dilations, dataFormat: 'NHWC' },
    );
  }
  return conv2d(x as Tensor4D, w as Tensor4D, c.strides, c.pad, 'NHWC', c.dilations);
}

describeEachBackend('conv gradients vs PyTorch', (backend) => {
  for (const c of (golden as unknown as { cases: Golden[] }).cases) {
    it(`${c.depthwise ? 'depthwiseConv2d' : 'conv2d'} ${c.name}: y, dx, dW within 1e-4`, async () => {
      const before = memory().numTensors;
      const x = tensor(c.x, c.xShape);
      const w = tensor(c.w, c.wShape);
      const dy = tensor(c.dy, c.yShape);
      const y = forward(c, x, w);
      const [dx, dw] = grads((a: Tensor, b: Tensor) => sum(mul(forward(c, a, b), dy)))([x, w]) as [
        Tensor,
        Tensor,
      ];
      expect(y.shape).toEqual(c.yShape);
      expect(relError(await y.data(), c.y)).toBeLessThan(1e-4);
      expect(relError(await dx.data(), c.dx)).toBeLessThan(1e-4);
      expect(relError(await dw.data(), c.dw)).toBeLessThan(1e-4);
      for (const t of [x, w, dy, y, dx, dw]) t.dispose();
      expect(memory().numTensors).toBe(before);
    });
  }

  const nchwCase = () => {
    const c = (golden as unknown as { cases: Golden[] }).cases[2] as Golden;
    const nchw = (t: Tensor) => transpose(t, [0, 3, 1, 2]);
    const padNCHW = [[0, 0], [0, 0], c.pad[1], c.pad[2]] as unknown as Pad;
    const forwardNCHW = (a: Tensor, b: Tensor) =>
      conv2d(nchw(a) as Tensor4D, b as Tensor4D, c.strides, padNCHW, 'NCHW', c.dilations);
    return { c, nchw, forwardNCHW };
  };

  if (backend === 'wasm') {
    it('NCHW conv2d: tfjs-backend-wasm refuses the forward pass with a clear error, no leak', () => {
      const { c, forwardNCHW } = nchwCase();
      const before = memory().numTensors;
      const x = tensor(c.x, c.xShape);
      const w = tensor(c.w, c.wShape);
      // tidy frees the NCHW transpose made before the kernel threw.
      expect(() => tidy(() => forwardNCHW(x, w))).toThrow(
        /wasm backend Conv2D does not support dataFormat:'channelsFirst'/,
      );
      x.dispose();
      w.dispose();
      expect(memory().numTensors).toBe(before);
    });
  } else {
    it('dilated conv2d in NCHW has the NHWC gradients', async () => {
      const { c, nchw, forwardNCHW } = nchwCase();
      const before = memory().numTensors;
      const x = tensor(c.x, c.xShape);
      const w = tensor(c.w, c.wShape);
      const dy = tensor(c.dy, c.yShape);
      const loss = (a: Tensor, b: Tensor) => sum(mul(forwardNCHW(a, b), nchw(dy)));
      const [dx, dw] = grads(loss)([x, w]) as [Tensor, Tensor];
      expect(relError(await dx.data(), c.dx)).toBeLessThan(1e-4);
      expect(relError(await dw.data(), c.dw)).toBeLessThan(1e-4);
      for (const t of [x, w, dy, dx, dw]) t.dispose();
      expect(memory().numTensors).toBe(before);
    });
  }
});

describe('conv gradients vs finite differences [cpu]', () => {
  useBackend('cpu');
  const rng = new Rng(7);
  it('conv2dTranspose: d(dy) and dW', () => {
    const x = rng.normalTensor([1, 3, 4, 2]);
    const w = rng.normalTensor([3, 3, 3, 2]);
    const f = (a: Tensor, b: Tensor) =>
      conv2dTranspose(a as Tensor4D, b as Tensor4D, [1, 6, 7, 3], 2, 'same');
    const r = gradCheck(f, [x, w]);
    expect(r.maxError, r.worst).toBeLessThan(1e-2);
  });
  it('conv2d with stride 2 and dilation 2 (explicit padding)', () => {
    const x = rng.normalTensor([1, 7, 6, 2]);
    const w = rng.normalTensor([2, 3, 2, 2]);
    const f = (a: Tensor, b: Tensor) =>
      engine().runKernel<Tensor>(
        Conv2D,
        { x: a, filter: b },
        {
          strides: 2,
          pad: [
            [0, 0],
            [1, 0],
            [0, 2],
            [0, 0],
          ],
          dilations: 2,
          dataFormat: 'NHWC',
        },
      );
    const r = gradCheck(f, [x, w]);
    expect(r.maxError, r.worst).toBeLessThan(1e-2);
  });
});
