// Times convkit's conv-backprop and MaxPoolGrad kernels against the tfjs kernels they replace, on wasm
// and cpu, and checks they agree. Run: pnpm --filter @convkit/bench exec tsx kernels.ts   (about a minute)
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { cpuKernels, Rng, wasmKernels } from '@convkit/backend';
import {
  engine,
  getKernel,
  type KernelConfig,
  type NamedAttrMap,
  registerKernel,
  setBackend,
  type Tensor,
  unregisterKernel,
} from '@tensorflow/tfjs-core';

await setBackend('wasm');
const rng = new Rng(1);
const randn = (shape: number[]) => rng.normalTensor(shape);

function time(
  name: string,
  inputs: Record<string, Tensor>,
  attrs: NamedAttrMap,
  reps: number,
): [number, Float32Array] {
  const warm = engine().runKernel<Tensor>(name, inputs, attrs);
  const values = warm.dataSync() as Float32Array;
  warm.dispose();
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) engine().runKernel<Tensor>(name, inputs, attrs).dispose();
  return [(performance.now() - t0) / reps, values];
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

function swapIn(config: KernelConfig): void {
  if (getKernel(config.kernelName, config.backendName) !== undefined) {
    unregisterKernel(config.kernelName, config.backendName);
  }
  registerKernel(config);
}

/** Times `name` with tfjs's kernel (when `backend` has one) and with convkit's, on `backend`. */
async function compare(
  backend: string,
  ours: KernelConfig,
  inputs: Record<string, Tensor>,
  attrs: NamedAttrMap,
  reps: number,
): Promise<string> {
  await setBackend(backend);
  const tfjs = getKernel(ours.kernelName, backend);
  let before = 'none in tfjs';
  let vTfjs: Float32Array | undefined;
  if (tfjs !== undefined) {
    const [ms, v] = time(ours.kernelName, inputs, attrs, reps);
    before = `tfjs ${ms.toFixed(1)} ms`;
    vTfjs = v;
  }
  swapIn(ours);
  const [ms, v] = time(ours.kernelName, inputs, attrs, reps);
  if (tfjs !== undefined) swapIn(tfjs);
  else unregisterKernel(ours.kernelName, backend);
  const diff = vTfjs === undefined ? '' : `, max |diff| ${maxDiff(v, vTfjs).toExponential(1)}`;
  return `  ${backend} ${ours.kernelName}: ${before} | convkit ${ms.toFixed(1)} ms${diff}`;
}

const find = (list: KernelConfig[], name: string) => list.find((k) => k.kernelName === name) as KernelConfig;

for (const { x: xs, f: fs, s } of [
  { x: [8, 32, 32, 32], f: [3, 3, 32, 64], s: 1 },
  { x: [8, 32, 32, 32], f: [3, 3, 32, 64], s: 2 },
  { x: [32, 28, 28, 1], f: [5, 5, 1, 32], s: 1 },
]) {
  const [n, h, w] = xs as [number, number, number];
  const x = randn(xs);
  const filter = randn(fs);
  const dy = randn([n, Math.ceil(h / s), Math.ceil(w / s), fs[3] as number]);
  const attrs = { strides: s, pad: 'same', dataFormat: 'NHWC' } as NamedAttrMap;
  console.log(`conv2d x=[${xs}] W=[${fs}] stride ${s}`);
  const input = { ...attrs, inputShape: xs } as NamedAttrMap;
  console.log(await compare('wasm', find(wasmKernels, 'Conv2DBackpropInput'), { dy, filter }, input, 5));
  const filt = { ...attrs, filterShape: fs } as NamedAttrMap;
  console.log(await compare('wasm', find(wasmKernels, 'Conv2DBackpropFilter'), { x, dy }, filt, 5));
}

// tfjs's cpu filter gradient is an element-by-element loop: a smaller shape keeps this bench short.
{
  const x = randn([8, 16, 16, 32]);
  const dy = randn([8, 16, 16, 64]);
  const attrs = { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 32, 64] } as NamedAttrMap;
  console.log('conv2d x=[8,16,16,32] W=[3,3,32,64] stride 1');
  console.log(await compare('cpu', find(cpuKernels, 'Conv2DBackpropFilter'), { x, dy }, attrs, 1));
}

for (const backend of ['wasm', 'cpu']) {
  const list = backend === 'wasm' ? wasmKernels : cpuKernels;
  const x = randn([8, 32, 32, 32]);
  const filter = randn([3, 3, 32, 1]);
  const dy = randn([8, 32, 32, 32]);
  const attrs = { strides: 1, dilations: 1, pad: 'same' } as NamedAttrMap;
  console.log(`depthwise x=[8,32,32,32] W=[3,3,32,1] stride 1 (${backend})`);
  const filt = { ...attrs, filterShape: [3, 3, 32, 1] } as NamedAttrMap;
  console.log(await compare(backend, find(list, 'DepthwiseConv2dNativeBackpropFilter'), { x, dy }, filt, 3));
  const input = { ...attrs, inputShape: [8, 32, 32, 32] } as NamedAttrMap;
  console.log(
    await compare(backend, find(list, 'DepthwiseConv2dNativeBackpropInput'), { dy, filter }, input, 3),
  );
}

// MaxPoolGrad on wasm: tfjs's C++ loop vs convkit's JavaScript loop (max |diff| > 0 is tfjs's bug:
// windows whose maximum is negative).
for (const [xs, k, s] of [
  [[8, 32, 32, 32], 3, 2],
  [[16, 56, 56, 64], 3, 2],
  [[16, 56, 56, 64], 2, 2],
] as [number[], number, number][]) {
  const [n, h, w, c] = xs as [number, number, number, number];
  const input = randn(xs);
  const dy = randn([n, Math.ceil(h / s), Math.ceil(w / s), c]);
  const attrs = { filterSize: k, strides: s, pad: 'same' } as NamedAttrMap;
  await setBackend('wasm');
  const output = engine().runKernel<Tensor>('MaxPool', { x: input }, attrs);
  console.log(`maxPool x=[${xs}] k${k} s${s} same`);
  console.log(await compare('wasm', find(wasmKernels, 'MaxPoolGrad'), { dy, input, output }, attrs, 5));
}
