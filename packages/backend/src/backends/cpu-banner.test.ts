import { tensor } from '@tensorflow/tfjs-core';
import { expect, it, vi } from 'vitest';
import { initBackend } from '../init-backend';

// Its own file: the banner comes once per process, on the cpu backend's first tensor.
it("the cpu backend does not print tfjs's 'install tfjs-node' banner (convkit does not run on tfjs-node)", async () => {
  const warn = vi.spyOn(console, 'warn');
  try {
    await initBackend({ backend: 'cpu', strict: true });
    const x = tensor([1, 2, 3]);
    expect(Array.from(x.dataSync())).toEqual([1, 2, 3]);
    x.dispose();
    const printed = warn.mock.calls.map((args) => args.join(' '));
    expect(printed.filter((line) => line.includes('running TensorFlow.js in Node.js'))).toEqual([]);
  } finally {
    warn.mockRestore();
  }
});
