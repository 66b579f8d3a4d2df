import { add, dispose, ones, reshape } from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { countLaunches } from './launches';
import { describeEachBackend } from './testing/backends';

describeEachBackend('countLaunches', (backend) => {
  it(backend === 'webgpu' ? 'counts GPU programs, none for a reshape' : 'refuses other backends', () => {
    // Above tfjs-webgpu's CPU hand-off size (1000 elements), so the adds run on the GPU.
    const x = ones([64, 64]);
    if (backend !== 'webgpu') {
      expect(() => countLaunches(() => add(x, x))).toThrow(/needs the webgpu backend/);
    } else {
      const two = countLaunches(() => add(add(x, x), x));
      const free = countLaunches(() => reshape(x, [4096]));
      expect([two.launches, free.launches]).toEqual([2, 0]);
      dispose([two.result, free.result]);
    }
    x.dispose();
  });
});
