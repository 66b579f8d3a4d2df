import { backend, getBackend } from '@tensorflow/tfjs-core';

interface ProgramRunner {
  runWebGPUProgram: (...args: unknown[]) => unknown;
}

/**
 * Runs `fn` on the active webgpu backend and returns it with the number of GPU programs it launched
 * (calls of tfjs-backend-webgpu's `runWebGPUProgram`; free ops such as Reshape launch none). On a real
 * GPU each launch has a fixed overhead whatever its size (bench/RESULTS-gpu.md), so this count bounds
 * small-tensor speed.
 * Throws on other backends.
 *
 * @example
 * const { launches } = countLaunches(() => bn.call(x)); // the GPU programs of one forward pass
 */
export function countLaunches<T>(fn: () => T): { result: T; launches: number } {
  if (getBackend() !== 'webgpu')
    throw new Error(`countLaunches: needs the webgpu backend, not ${getBackend()}`);
  const gpu = backend() as unknown as ProgramRunner;
  const original = gpu.runWebGPUProgram;
  let launches = 0;
  gpu.runWebGPUProgram = (...args: unknown[]) => {
    launches++;
    return original.apply(gpu, args);
  };
  try {
    return { result: fn(), launches };
  } finally {
    gpu.runWebGPUProgram = original;
  }
}
