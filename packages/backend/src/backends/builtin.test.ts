import { availableParallelism } from 'node:os';
import { conv2d, getBackend, memory, tensor4d } from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { formatReport, initBackend } from '../init-backend';
import { cpuKernels, wasmKernels, webgpuKernels } from '../kernels';
import { describeEachBackend } from '../testing/backends';

const kernelNames = { cpu: cpuKernels, wasm: wasmKernels, webgpu: webgpuKernels } as Record<
  string,
  { kernelName: string }[]
>;

describeEachBackend('built-in backend', (backend) => {
  it('is the active tfjs backend', () => {
    expect(getBackend()).toBe(backend);
  });

  it('reports what it found and which kernels convkit added', async () => {
    const report = await initBackend({ backend, strict: true });
    expect(report.name).toBe(backend);
    expect(report.skipped).toEqual([]);
    expect(report.kernelsAdded).toEqual((kernelNames[backend] ?? []).map((k) => k.kernelName));
    const text = formatReport(report);
    expect(text.split('\n')[0]).toMatch(new RegExp(`^backend: ${backend}`));
    if (backend === 'wasm') {
      // Node 20's V8 has WASM SIMD; threads on every core (at most 8) unless the machine has one.
      const cores = Math.min(8, availableParallelism());
      expect(report.wasm?.simd).toBe(true);
      expect(report.wasm?.threadsCount).toBe(cores);
      expect(report.wasm?.threads).toBe(cores > 1);
      expect(text).toContain(cores > 1 ? `SIMD on, ${cores} threads` : 'SIMD on, threads off: one core');
    } else {
      expect(report.wasm).toBeUndefined();
    }
    if (backend === 'webgpu') {
      const info = report.webgpu;
      expect(info).toBeDefined();
      for (const field of ['vendor', 'architecture', 'description', 'device'] as const) {
        expect(typeof info?.[field]).toBe('string');
      }
      expect(info?.vendor).not.toBe('');
      expect(text).toContain(info?.vendor);
    } else {
      expect(report.webgpu).toBeUndefined();
    }
  });

  it('runs a convolution without leaking tensors', async () => {
    const before = memory().numTensors;
    const x = tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
    const w = tensor4d([1, 1, 1, 1], [2, 2, 1, 1]);
    const y = conv2d(x, w, 1, 'valid');
    expect(Array.from(await y.data())).toEqual([10]);
    x.dispose();
    w.dispose();
    y.dispose();
    expect(memory().numTensors).toBe(before);
  });
});
