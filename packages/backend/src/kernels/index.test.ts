import { getKernel } from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeEachBackend } from '../testing/backends';
import { cpuKernels, wasmKernels, webgpuKernels } from '.';

const lists: Record<string, typeof cpuKernels> = {
  cpu: cpuKernels,
  wasm: wasmKernels,
  webgpu: webgpuKernels,
};

it('each list holds kernels for its own backend, one per name', () => {
  for (const [backend, list] of Object.entries(lists)) {
    expect(list.every((k) => k.backendName === backend)).toBe(true);
    expect(new Set(list.map((k) => k.kernelName)).size).toBe(list.length);
  }
  expect(wasmKernels.map((k) => k.kernelName).sort()).toEqual([
    'Conv2DBackpropFilter',
    'Conv2DBackpropInput',
    'DepthwiseConv2dNativeBackpropFilter',
    'DepthwiseConv2dNativeBackpropInput',
    'Identity',
    'MaxPoolGrad',
    'UnsortedSegmentSum',
  ]);
});

describeEachBackend('convkit kernels', (backend) => {
  it('initBackend registered convkit’s kernel functions, replacing tfjs’s', () => {
    for (const k of lists[backend] ?? []) {
      expect(getKernel(k.kernelName, backend)?.kernelFunc, k.kernelName).toBe(k.kernelFunc);
    }
  });
});
