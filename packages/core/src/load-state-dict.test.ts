import { describeEachBackend } from '@convkit/backend/testing';
import { dispose, memory, type Tensor, tensor, tensor1d, tensor2d } from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { Linear } from './layers/linear';
import { Sequential } from './layers/sequential';
import { Module } from './module';

const values = async (m: Module) =>
  Object.fromEntries(
    await Promise.all(Object.entries(m.stateDict()).map(async ([k, v]) => [k, Array.from(await v.data())])),
  );

/** A module with a float parameter and an int-like buffer (as BatchNorm's numBatchesTracked). */
class Counter extends Module {
  static readonly className = 'Counter';
  readonly w = this.addParameter('w', tensor1d([1, 2]));
  readonly n = this.addBuffer('n', tensor(0));
  forward(x: Tensor) {
    return x;
  }
}

describeEachBackend('loadStateDict memory', () => {
  it('1,000 loads keep the tensor count and bytes flat; disposing both modules frees everything', async () => {
    const baseline = memory();
    const target = new Linear({ inFeatures: 32, outFeatures: 32, rng: 1 });
    const source = new Linear({ inFeatures: 32, outFeatures: 32, rng: 2 });
    target.loadStateDict(source.stateDict());
    const after1 = memory();
    for (let i = 0; i < 999; i++) target.loadStateDict(source.stateDict());
    expect(memory().numTensors).toBe(after1.numTensors);
    expect(memory().numBytes).toBe(after1.numBytes);
    expect(await values(target)).toEqual(await values(source));
    // A state of fresh tensors (as a checkpoint loader makes), disposed by its owner after each load.
    for (let i = 0; i < 100; i++) {
      const state = {
        weight: tensor2d(new Float32Array(32 * 32).fill(i), [32, 32]),
        bias: tensor1d(new Float32Array(32)),
      };
      target.loadStateDict(state);
      dispose(Object.values(state));
    }
    expect(memory().numTensors).toBe(after1.numTensors);
    expect(memory().numBytes).toBe(after1.numBytes);
    expect((await target.weight.data())[0]).toBe(99);
    target.dispose();
    source.dispose();
    expect(memory().numTensors).toBe(baseline.numTensors);
    expect(memory().numBytes).toBe(baseline.numBytes);
  });
});

describeEachBackend('loadStateDict checks', () => {
  const net = (seed = 1) =>
    new Sequential(
      new Linear({ inFeatures: 2, outFeatures: 2, rng: seed }),
      new Linear({ inFeatures: 2, outFeatures: 1, rng: seed + 1 }),
    );

  it('a string tensor or a disposed tensor at a later key: named, and nothing is written', async () => {
    const m = net();
    const before = await values(m);
    // Other values at every key, so a write before the bad key would show.
    const other = net(5);
    const good = other.stateDict();
    expect(Object.keys(good)).toEqual(['0.weight', '0.bias', '1.weight', '1.bias']);
    const theirs = await values(other);
    for (const k of Object.keys(before)) expect(theirs[k], k).not.toEqual(before[k]);
    const gone = tensor1d([5]);
    gone.dispose();
    const words = tensor(['a']);
    expect(() => m.loadStateDict({ ...good, '1.bias': words })).toThrow(
      'Sequential.loadStateDict: unusable values: 1.bias: dtype string cannot be loaded (numbers only); nothing was loaded',
    );
    expect(() => m.loadStateDict({ ...good, '1.bias': gone })).toThrow(
      /unusable values: 1\.bias: the tensor was disposed/,
    );
    expect(() => m.loadStateDict({ ...good, '1.bias': [0.5] as unknown as Tensor })).toThrow(
      /1\.bias: not a Tensor \(got an array; make one with tensor\(values, shape\)\)/,
    );
    const wide = tensor1d([1, 2]);
    expect(() => m.loadStateDict({ ...good, '1.bias': wide })).toThrow(
      /shape mismatches: 1\.bias: expected \[1\], got \[2\]; nothing was loaded/,
    );
    const { '1.bias': _, ...short } = good;
    expect(() => m.loadStateDict(short)).toThrow(/missing keys: 1\.bias; nothing was loaded/);
    expect(await values(m)).toEqual(before);
    // The good state itself loads.
    m.loadStateDict(good);
    expect(await values(m)).toEqual(theirs);
    wide.dispose();
    dispose(words);
    other.dispose();
    m.dispose();
  });

  it('rejects a state that is not a { name: Tensor } object, naming what it got', () => {
    const m = net();
    const expected =
      'Sequential.loadStateDict: expected a { name: Tensor } object (as stateDict() returns), got';
    expect(() => m.loadStateDict(JSON.parse('[1, 2]'))).toThrow(`${expected} an array`);
    expect(() => m.loadStateDict(null as never)).toThrow(`${expected} null`);
    expect(() => m.loadStateDict(3 as never)).toThrow(`${expected} 3`);
    const t = tensor1d([1]);
    expect(() => m.loadStateDict(t as never)).toThrow(`${expected} a Tensor`);
    t.dispose();
    m.dispose();
  });

  it('non-finite values load by default (as PyTorch); checkFinite refuses them, naming the keys, writing nothing', async () => {
    const m = new Counter();
    const w = tensor1d([Number.NaN, 3]);
    const n = tensor(4, [], 'int32');
    expect(() => m.loadStateDict({ w, n }, { checkFinite: true })).toThrow(
      'Counter.loadStateDict: non-finite values (checkFinite): w; nothing was loaded',
    );
    expect(await values(m)).toEqual({ w: [1, 2], n: [0] });
    m.loadStateDict({ w, n });
    expect(await values(m)).toEqual({ w: [Number.NaN, 3], n: [4] });
    expect(m.n.dtype).toBe('float32');
    dispose([w, n]);
    m.dispose();
  });

  it('a disposed module says so, naming it, instead of a TypeError', () => {
    const m = net();
    const x = tensor2d([[1, 2]]);
    m.dispose();
    expect(m.isDisposed).toBe(true);
    expect(() => m.call(x)).toThrow('Sequential.call(): this module was disposed');
    expect(() => m.loadStateDict({})).toThrow('Sequential.loadStateDict(): this module was disposed');
    expect(() => m.stateDict()).toThrow('Sequential.stateDict(): this module was disposed');
    const fc = new Linear({ inFeatures: 2, outFeatures: 1, rng: 1 });
    fc.dispose();
    expect(() => fc.call(x)).toThrow('Linear.call(): this module was disposed');
    x.dispose();
  });
});
