import { Rng } from '@convkit/backend';
import {
  Conv2D,
  Conv2DBackpropFilter,
  Conv2DBackpropInput,
  dispose,
  engine,
  mul,
  type NamedAttrMap,
  reshape,
  slice,
  type Tensor,
  tidy,
} from '@tensorflow/tfjs-core';

/** One convolution of a network: NHWC input [n, size, size, cin], k×k filter to cout, stride, 'same'-style pad. */
export interface ConvShape {
  name: string;
  size: number;
  cin: number;
  cout: number;
  k: number;
  stride: number;
}

/** The distinct convolutions of the CIFAR ResNet-18 (bench/src/resnets.ts), with how often each occurs. */
export const RESNET18_CONVS: (ConvShape & { count: number })[] = [
  { name: 'stem 3×3 3→64', size: 32, cin: 3, cout: 64, k: 3, stride: 1, count: 1 },
  { name: 'layer1 3×3 64→64', size: 32, cin: 64, cout: 64, k: 3, stride: 1, count: 4 },
  { name: 'layer2 3×3 64→128 s2', size: 32, cin: 64, cout: 128, k: 3, stride: 2, count: 1 },
  { name: 'layer2 1×1 64→128 s2', size: 32, cin: 64, cout: 128, k: 1, stride: 2, count: 1 },
  { name: 'layer2 3×3 128→128', size: 16, cin: 128, cout: 128, k: 3, stride: 1, count: 3 },
  { name: 'layer3 3×3 128→256 s2', size: 16, cin: 128, cout: 256, k: 3, stride: 2, count: 1 },
  { name: 'layer3 1×1 128→256 s2', size: 16, cin: 128, cout: 256, k: 1, stride: 2, count: 1 },
  { name: 'layer3 3×3 256→256', size: 8, cin: 256, cout: 256, k: 3, stride: 1, count: 3 },
  { name: 'layer4 3×3 256→512 s2', size: 8, cin: 256, cout: 512, k: 3, stride: 2, count: 1 },
  { name: 'layer4 1×1 256→512 s2', size: 8, cin: 256, cout: 512, k: 1, stride: 2, count: 1 },
  { name: 'layer4 3×3 512→512', size: 4, cin: 512, cout: 512, k: 3, stride: 1, count: 3 },
];

/** Multiply-adds of one pass (forward, input gradient and filter gradient all have this many). */
export function convMacs(c: ConvShape, batch: number): number {
  const out = Math.ceil(c.size / c.stride);
  return batch * out * out * c.cin * c.cout * c.k * c.k;
}

/**
 * The three kernels of one conv shape as runnable closures, each resolving to its time in ms. Each call
 * runs on fresh copies of its operands, made before the clock starts: tfjs's wasm kernels keep
 * XNNPACK's packed weights per tensor, and in a train step w changes at every update and dy is new at
 * every step, so a pass on the same tensors again would skip the packing a train step pays (a
 * forward's w, an im2col filter gradient's dy). The clock stops at a one-element read of the result.
 */
export function convKernels(c: ConvShape, batch: number, seed = 0) {
  const rng = new Rng(seed);
  const out = Math.ceil(c.size / c.stride);
  const pad = (c.k - 1) >> 1;
  const pads = [
    [0, 0],
    [pad, pad],
    [pad, pad],
    [0, 0],
  ];
  const x = rng.normalTensor([batch, c.size, c.size, c.cin]);
  const w = rng.normalTensor([c.k, c.k, c.cin, c.cout], 0, 0.1);
  const dy = rng.normalTensor([batch, out, out, c.cout]);
  const attrs = { strides: [c.stride, c.stride], pad: pads, dataFormat: 'NHWC', dimRoundingMode: undefined };
  const firstValue = async (t: Tensor) => {
    const first = tidy(() => slice(reshape(t, [-1]), 0, 1));
    await first.data();
    first.dispose();
  };
  const run = (name: string, operands: Record<string, Tensor>, extra: object) => async () => {
    const inputs = Object.fromEntries(Object.entries(operands).map(([k, t]) => [k, mul(t, 1)]));
    for (const t of Object.values(inputs)) await firstValue(t);
    const t0 = performance.now();
    const y = engine().runKernel(name, inputs, { ...attrs, ...extra } as unknown as NamedAttrMap) as Tensor;
    // A one-element read waits for the kernel; reading all of y back would also charge each pass for
    // copying its output out of the backend, and a stride-2 input gradient's output is twice the size
    // of the forward's.
    await firstValue(y);
    const ms = performance.now() - t0;
    dispose([y, ...Object.values(inputs)]);
    return ms;
  };
  return {
    forward: run(Conv2D, { x, filter: w }, { dilations: [1, 1] }),
    inputGrad: run(Conv2DBackpropInput, { dy, filter: w }, { inputShape: x.shape }),
    filterGrad: run(Conv2DBackpropFilter, { x, dy }, { filterShape: w.shape }),
    dispose: () => dispose([x, w, dy]),
  };
}
