// On a machine with a GPU: convkit's conformance cases on webgpu against cpu, then tfjs's webgpu conv
// backprop kernels against convkit's forward-conv formulation. Run:
//   pnpm --filter @convkit/bench exec tsx kernels-webgpu.ts
// Env: BENCH_SMALL=1 (batch 1, for software WebGPU), BENCH_ONLY=1 (timings only), CONFORMANCE_ONLY=1.
// On a bare GPU box without node_modules: bundle it with
//   esbuild bench/kernels-webgpu.ts --bundle --platform=node --format=esm --external:webgpu
//     --banner:js="import { createRequire as __bundleRequire } from 'module'; const require = __bundleRequire(import.meta.url);"
// and ship node, the bundle and node_modules/webgpu/{package.json,index.js,dist/linux-x64/dawn.node}
// (plus libvulkan1 and libglvnd for NVIDIA's Vulkan ICD).

import {
  conv2DBackpropFilterKernel,
  conv2DBackpropInputKernel,
  depthwiseConv2dNativeBackpropFilterKernel,
  depthwiseConv2dNativeBackpropInputKernel,
  formatReport,
  initBackend,
  Rng,
} from '@convkit/backend';
import {
  conformanceCases,
  conformanceTrainingStep,
  evaluateConformanceCase,
  maxScaledError,
} from '@convkit/backend/testing';
import {
  engine,
  getKernel,
  type KernelConfig,
  type NamedAttrMap,
  registerKernel,
  type Tensor,
  unregisterKernel,
} from '@tensorflow/tfjs-core';

// Capture tfjs's own webgpu kernels before initBackend replaces some of them with convkit's.
const dawn = await import('webgpu');
Object.assign(globalThis, dawn.globals);
(globalThis as { navigator?: object }).navigator ??= { gpu: dawn.create([]) };
await import('@tensorflow/tfjs-backend-webgpu');
const names = [
  'Conv2DBackpropFilter',
  'Conv2DBackpropInput',
  'DepthwiseConv2dNativeBackpropFilter',
  'DepthwiseConv2dNativeBackpropInput',
];
const tfjsKernels = new Map(names.map((n) => [n, getKernel(n, 'webgpu') as KernelConfig]));

const report = await initBackend({ backend: 'webgpu', strict: true });
console.log(formatReport(report));

let worst = 0;
async function compare(name: string, f: () => Promise<Float32Array[]>) {
  const got = await f();
  await initBackend({ backend: 'cpu', strict: true });
  const want = await f();
  await initBackend({ backend: 'webgpu', strict: true });
  const err = Math.max(...got.map((g, i) => maxScaledError(g, want[i] as Float32Array)));
  worst = Math.max(worst, err);
  console.log(`${err < 1e-3 ? 'ok  ' : 'FAIL'} ${err.toExponential(2)}  ${name}`);
}
if (!process.env.BENCH_ONLY) {
  for (const [k, c] of conformanceCases.entries()) await compare(c.name, () => evaluateConformanceCase(c, k));
  await compare('training step', conformanceTrainingStep);
  console.log(`worst scaled error vs cpu: ${worst.toExponential(2)}`);
  if (process.env.CONFORMANCE_ONLY) process.exit(worst < 1e-3 ? 0 : 1);
}

const rng = new Rng(3);
const randn = (shape: number[]) => rng.normalTensor(shape);

async function time(
  name: string,
  inputs: Record<string, Tensor>,
  attrs: NamedAttrMap,
  reps = 20,
): Promise<number> {
  for (let i = 0; i < 3; i++) {
    const t = engine().runKernel<Tensor>(name, inputs, attrs);
    await t.data();
    t.dispose();
  }
  const t0 = performance.now();
  const outs: Tensor[] = [];
  for (let i = 0; i < reps; i++) outs.push(engine().runKernel<Tensor>(name, inputs, attrs));
  await (outs.at(-1) as Tensor).data();
  const ms = (performance.now() - t0) / reps;
  for (const o of outs) o.dispose();
  return ms;
}

function swap(config: KernelConfig): KernelConfig | undefined {
  const old = getKernel(config.kernelName, config.backendName);
  if (old !== undefined) unregisterKernel(config.kernelName, config.backendName);
  registerKernel(config);
  return old;
}

type KernelCase = [string, (backend: string) => KernelConfig, Record<string, Tensor>, NamedAttrMap];

/** Times each kernel with tfjs's webgpu implementation, then convkit's, restoring what was registered. */
async function tfjsVsConvkit(attrs: NamedAttrMap, cases: KernelCase[]): Promise<string[]> {
  const lines: string[] = [];
  for (const [name, make, inputs, extra] of cases) {
    const registered = swap(tfjsKernels.get(name) as KernelConfig) as KernelConfig;
    const native = await time(name, inputs, { ...attrs, ...extra });
    swap(make('webgpu'));
    const ours = await time(name, inputs, { ...attrs, ...extra });
    swap(registered);
    lines.push(`${name} tfjs ${native.toFixed(2)} ms | convkit ${ours.toFixed(2)} ms`);
  }
  return lines;
}

// BENCH_SMALL=1: batch 1 (a smoke test for software WebGPU).
const batch = (n: number) => (process.env.BENCH_SMALL ? 1 : n);
const shapes = [
  { x: [32, 32, 32, 64], f: [3, 3, 64, 64], s: 1 },
  { x: [32, 32, 32, 64], f: [3, 3, 64, 128], s: 2 },
  { x: [32, 16, 16, 128], f: [3, 3, 128, 128], s: 1 },
  { x: [64, 28, 28, 1], f: [5, 5, 1, 32], s: 1 },
];
for (const { x: x0, f: fs, s } of shapes) {
  const xs = [batch(x0[0] as number), ...x0.slice(1)];
  const x = randn(xs);
  const w = randn(fs);
  const oh = Math.ceil((xs[1] as number) / s);
  const ow = Math.ceil((xs[2] as number) / s);
  const dy = randn([xs[0] as number, oh, ow, fs[3] as number]);
  const attrs = { strides: s, pad: 'same', dataFormat: 'NHWC' } as NamedAttrMap;
  const fwd = await time('Conv2D', { x, filter: w }, { ...attrs, dilations: 1 });
  const line: string[] = [`conv x=[${xs}] W=[${fs}] s${s}: forward ${fwd.toFixed(2)} ms`];
  line.push(
    ...(await tfjsVsConvkit(attrs, [
      ['Conv2DBackpropFilter', conv2DBackpropFilterKernel, { x, dy }, { filterShape: fs }],
      ['Conv2DBackpropInput', conv2DBackpropInputKernel, { dy, filter: w }, { inputShape: xs }],
    ])),
  );
  console.log(line.join('\n  '));
}

for (const { x: x0, s, d } of [
  { x: [32, 32, 32, 64], s: 1, d: 1 },
  { x: [32, 32, 32, 128], s: 2, d: 1 },
  { x: [32, 56, 56, 32], s: 1, d: 1 },
]) {
  const xs = [batch(x0[0] as number), ...x0.slice(1)];
  const fs = [3, 3, xs[3] as number, 1];
  const x = randn(xs);
  const w = randn(fs);
  const dy = randn([
    xs[0] as number,
    Math.ceil((xs[1] as number) / s),
    Math.ceil((xs[2] as number) / s),
    fs[2] as number,
  ]);
  const attrs = { strides: s, dilations: d, pad: 'same', dataFormat: 'NHWC' } as NamedAttrMap;
  const fwd = await time('DepthwiseConv2dNative', { x, filter: w }, attrs);
  const line: string[] = [`depthwise x=[${xs}] s${s}: forward ${fwd.toFixed(2)} ms`];
  line.push(
    ...(await tfjsVsConvkit(attrs, [
      [
        'DepthwiseConv2dNativeBackpropFilter',
        depthwiseConv2dNativeBackpropFilterKernel,
        { x, dy },
        { filterShape: fs },
      ],
      [
        'DepthwiseConv2dNativeBackpropInput',
        depthwiseConv2dNativeBackpropInputKernel,
        { dy, filter: w },
        { inputShape: xs },
      ],
    ])),
  );
  console.log(line.join('\n  '));
}
process.exit(0);
