import { initBackend, Rng } from '@convkit/backend';
import { describeEachBackend } from '@convkit/backend/testing';
import { memory, type Tensor } from '@tensorflow/tfjs-core';
import { beforeAll, expect, it } from 'vitest';
import { INITIALIZERS, type InitializerName } from './registry';

// Every built-in, with options that make it random where it can be.
const CASES: [InitializerName, number[], object][] = [
  ['zeros', [2, 3], {}],
  ['ones', [2, 3], {}],
  ['constant', [2, 3], { value: 0.25 }],
  ['normal', [3, 3, 4, 8], { mean: 0.5, std: 2 }],
  ['uniform', [3, 3, 4, 8], { low: -3, high: 1 }],
  ['truncatedNormal', [3, 3, 4, 8], { std: 0.5, a: -0.2, b: 1.5 }],
  ['xavierUniform', [3, 3, 4, 8], { gain: 5 / 3 }],
  ['xavierNormal', [3, 3, 4, 8], {}],
  ['kaimingUniform', [3, 3, 4, 8], { a: Math.sqrt(5) }],
  ['kaimingNormal', [3, 3, 4, 8], { mode: 'fanOut', nonlinearity: 'relu' }],
  ['orthogonal', [3, 3, 4, 8], { gain: 2 }],
];

/** The bits of each initializer's output; read with `data()` because webgpu cannot read synchronously. */
async function drawAll(rng: number | (() => Rng)): Promise<Uint32Array[]> {
  const out: Uint32Array[] = [];
  for (const [name, shape, options] of CASES) {
    const before = memory().numTensors;
    const init = INITIALIZERS[name] as (s: number[], r: number | Rng, o: object) => Tensor;
    const t = init(shape, typeof rng === 'number' ? rng : rng(), options);
    expect(t.dtype).toBe('float32');
    const values = (await t.data()) as Float32Array;
    t.dispose();
    expect(memory().numTensors).toBe(before);
    out.push(new Uint32Array(Float32Array.from(values).buffer));
  }
  return out;
}

// The bits are compared across two backends: cpu against wasm on the cpu pass, every other backend
// against cpu. (Comparing cpu with itself would only test that a seed is reproducible.)
const referenceOf = (backend: string): string => (backend === 'cpu' ? 'wasm' : 'cpu');

/** Starts `backend`; the reason it cannot, or undefined. */
async function unavailable(backend: string): Promise<string | undefined> {
  try {
    await initBackend({ backend, strict: true });
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

describeEachBackend('initializers are reproducible', (backend) => {
  const reference = referenceOf(backend);
  let refBits: Uint32Array[] = [];
  let refMissing: string | undefined;

  beforeAll(async () => {
    refMissing = await unavailable(reference);
    if (refMissing === undefined) refBits = await drawAll(42);
    await initBackend({ backend, strict: true });
  });

  it(`the same seed gives bit-identical data on ${backend} and on ${reference}`, async (ctx) => {
    if (refMissing !== undefined) ctx.skip(`reference backend ${reference} unavailable: ${refMissing}`);
    expect(refBits).toHaveLength(CASES.length);
    const bits = await drawAll(42);
    for (let i = 0; i < CASES.length; i++) {
      expect(bits[i], `${CASES[i][0]} on ${backend} vs ${reference}`).toEqual(refBits[i]);
    }
  });

  it('a seed equals a fresh Rng of that seed; a different seed gives different values', async () => {
    const seeded = await drawAll(42);
    expect(await drawAll(() => new Rng(42))).toEqual(seeded);
    const other = await drawAll(43);
    CASES.forEach(([name], i) => {
      if (name === 'zeros' || name === 'ones' || name === 'constant') expect(other[i]).toEqual(seeded[i]);
      else expect(other[i], name).not.toEqual(seeded[i]);
    });
  });

  it('a shared Rng advances: two draws from it differ', async () => {
    const seeded = await drawAll(42);
    const rng = new Rng(42);
    const first = await drawAll(() => rng);
    const second = await drawAll(() => rng);
    expect(first[3]).toEqual(seeded[3]);
    expect(second[3]).not.toEqual(first[3]);
  });
});
