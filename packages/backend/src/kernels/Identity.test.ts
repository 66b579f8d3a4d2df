import { clone, engine, memory, mul, sum, tensor, variable, variableGrads } from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeEachBackend } from '../testing/backends';

describeEachBackend('Identity', (backend) => {
  it('shares the data on wasm (no copy), and each handle outlives the other', async () => {
    const x = tensor([1, -2, 3, 4], [2, 2]);
    const buffers = engine().backend.numDataIds();
    const bytes = memory().numBytes;
    const y = clone(x);
    expect(engine().backend.numDataIds(), `clone shares the data on ${backend}`).toBe(buffers);
    x.dispose();
    expect(Array.from(await y.data())).toEqual([1, -2, 3, 4]);
    y.dispose();
    expect(memory().numBytes).toBe(bytes - 16);
    expect(engine().backend.numDataIds()).toBe(buffers - 1);
  });

  it("saves the tape's tensors without copies, with the same gradients", async () => {
    const w = variable(tensor([0.5, -1, 2], [3]));
    const x = tensor([1, 2, 3], [3]);
    const { value, grads } = variableGrads(() => sum(mul(mul(x, w), w)), [w]);
    expect(Array.from(await (grads[w.name] as ReturnType<typeof tensor>).data())).toEqual([1, -4, 12]);
    expect((await value.data())[0]).toBeCloseTo(0.25 + 2 + 12, 5);
    for (const t of [value, grads[w.name], x, w]) t?.dispose();
  });
});
