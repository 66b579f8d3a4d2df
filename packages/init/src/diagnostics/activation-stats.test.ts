import { Rng } from '@convkit/backend';
import { describeEachBackend } from '@convkit/backend/testing';
import { dispose, engine, matMul, memory, mul, relu, sum, type Tensor } from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { calculateGain } from '../gain';
import { kaimingNormal } from '../initializers/kaiming';
import { normal } from '../initializers/normal';
import { xavierNormal } from '../initializers/xavier';
import { FakeLinear, FakeReLU, FakeSequential, mlp, sampleStats } from '../test-helpers';
import { type ActivationStatsOptions, activationStats, type LayerStats } from './activation-stats';

const WIDTH = 64;
const DEPTH = 10;
const BATCH = 64;

type Init = (shape: number[], rng: Rng) => Tensor;
const kaiming: Init = (s, r) => kaimingNormal(s, r, { nonlinearity: 'relu' });
const xavierTanh: Init = (s, r) => xavierNormal(s, r, { gain: calculateGain('tanh') });
const small: Init = (s, r) => normal(s, r, { std: 0.01 });
const large: Init = (s, r) => normal(s, r, { std: 1 });

async function run(
  init: Init,
  act: 'relu' | 'tanh',
  options?: ActivationStatsOptions,
): Promise<LayerStats[]> {
  const model = mlp(DEPTH, WIDTH, init, act, new Rng(7));
  const x = new Rng(1).normalTensor([BATCH, WIDTH], 0, 1);
  try {
    return await activationStats(model, x, options);
  } finally {
    x.dispose();
    model.dispose();
  }
}

const of = (stats: LayerStats[], className: string) => stats.filter((s) => s.className === className);
const ratio = (v: number[]) => Math.max(...v) / Math.min(...v);

describeEachBackend('activationStats', () => {
  it('Kaiming + ReLU keeps activation and gradient stds within a factor of 2 across depth', async () => {
    // A fixed random projection: ∂loss/∂y = r, independent of the forward pass (see `loss`).
    const r = new Rng(9).normalTensor([BATCH, WIDTH], 0, 1);
    const stats = await run(kaiming, 'relu', { loss: (y) => sum(mul(y, r)) });
    r.dispose();
    expect(stats.map((s) => s.name)).toEqual(Array.from({ length: 2 * DEPTH }, (_, i) => String(i)));
    expect(stats.map((s) => s.index)).toEqual(Array.from({ length: 2 * DEPTH }, (_, i) => i));
    const linear = of(stats, 'FakeLinear');
    const acts = of(stats, 'FakeReLU');
    expect(ratio(linear.map((s) => s.std))).toBeLessThan(2);
    expect(ratio(acts.map((s) => s.std))).toBeLessThan(2);
    expect(ratio(linear.map((s) => s.gradStd))).toBeLessThan(2);
    for (const s of acts) expect(Math.abs(s.zeroFraction - 0.5)).toBeLessThan(0.1);
    for (const s of linear) expect(s.zeroFraction).toBe(0);
    for (const s of stats) expect(s.shape).toEqual([BATCH, WIDTH]);
  });

  it('a too-small init (std 0.01) collapses activations and gradients toward 0', async () => {
    const linear = of(await run(small, 'relu'), 'FakeLinear');
    expect(linear[DEPTH - 1].std).toBeLessThan(1e-3 * linear[0].std);
    expect(linear[DEPTH - 1].std).toBeGreaterThan(0);
    // Backward, each layer multiplies by the same small W: the first layer's gradient vanishes.
    expect(linear[0].gradStd).toBeLessThan(1e-3 * linear[DEPTH - 1].gradStd);
  });

  it('a too-large init (std 1) makes ReLU activations explode', async () => {
    const linear = of(await run(large, 'relu'), 'FakeLinear');
    expect(linear[DEPTH - 1].std).toBeGreaterThan(1e3 * linear[0].std);
    expect(Number.isFinite(linear[DEPTH - 1].std)).toBe(true);
  });

  it('Xavier (tanh gain) + tanh stays bounded; a too-large init saturates tanh', async () => {
    const xavier = of(await run(xavierTanh, 'tanh'), 'FakeTanh');
    for (const s of xavier) {
      expect(s.std).toBeGreaterThan(0.2);
      expect(s.std).toBeLessThan(1);
      expect(s.saturatedFraction).toBeLessThan(0.2);
    }
    expect(ratio(xavier.map((s) => s.std))).toBeLessThan(2);
    const big = of(await run(large, 'tanh'), 'FakeTanh');
    for (const s of big.slice(1)) expect(s.saturatedFraction).toBeGreaterThan(0.6);
  });

  it('matches a direct computation: moments of the output and ∂loss/∂output', async () => {
    const rng = new Rng(3);
    const w = rng.normalTensor([WIDTH, WIDTH], 0, 0.2);
    const x = rng.normalTensor([BATCH, WIDTH], 0, 1);
    const model = new FakeSequential([new FakeLinear(w.clone()), new FakeReLU()]);
    const z = matMul(x, w);
    const y = relu(z);
    const [zd, yd] = await Promise.all([z.data(), y.data()]);
    const zm = sampleStats(zd);
    const ym = sampleStats(yd);
    const zeros = yd.filter((v) => v === 0).length / y.size;
    const [lin, act] = await activationStats(model, x);
    expect(lin.mean).toBeCloseTo(zm.mean, 4);
    expect(lin.std / zm.std).toBeCloseTo(1, 4);
    expect(act.std / ym.std).toBeCloseTo(1, 4);
    expect(act.zeroFraction).toBeCloseTo(zeros, 6);
    // Default loss sum(y²)/2: ∂L/∂y = y at the output, and ∂L/∂z = y · 1[z > 0] = y before the ReLU.
    expect(act.gradStd / act.std).toBeCloseTo(1, 4);
    expect(lin.gradStd / act.std).toBeCloseTo(1, 4);
    // loss = sum(y): ∂L/∂y is all ones, std 0.
    const [, ones] = await activationStats(model, x, { loss: (y) => sum(y) });
    expect(ones.gradStd).toBe(0);
    dispose([w, x, z, y]);
    model.dispose();
  });

  it('filter picks modules (the model itself included); gradients: false skips the backward pass', async () => {
    const model = mlp(3, 8, kaiming, 'relu', new Rng(2));
    const x = new Rng(4).normalTensor([16, 8], 0, 1);
    const stats = await activationStats(model, x, {
      filter: (name, m) => name === '' || m.className === 'FakeLinear',
      gradients: false,
    });
    expect(stats.map((s) => [s.name, s.className])).toEqual([
      ['0', 'FakeLinear'],
      ['2', 'FakeLinear'],
      ['4', 'FakeLinear'],
      ['', 'FakeSequential'],
    ]);
    expect(stats.map((s) => s.index)).toEqual([0, 1, 2, 3]);
    for (const s of stats) expect(Number.isNaN(s.gradStd)).toBe(true);
    expect(stats[3].std).toBeGreaterThan(0);
    x.dispose();
    model.dispose();
  });

  it('leaks no tensor or variable and removes its hooks, also when the loss is not a scalar', async () => {
    const model = mlp(4, 16, kaiming, 'relu', new Rng(5));
    const x = new Rng(6).normalTensor([8, 16], 0, 1);
    const tensors = memory().numTensors;
    const variables = Object.keys(engine().registeredVariables).length;
    await activationStats(model, x);
    await activationStats(model, x, { gradients: false });
    expect(memory().numTensors).toBe(tensors);
    expect(Object.keys(engine().registeredVariables).length).toBe(variables);
    await expect(activationStats(model, x, { loss: (y) => y as never })).rejects.toThrow(
      /loss must return a scalar, got shape \[8,16\]/,
    );
    expect(memory().numTensors).toBe(tensors);
    expect(Object.keys(engine().registeredVariables).length).toBe(variables);
    for (const layer of model.layers) expect(layer.hooks).toHaveLength(0);
    expect(model.hooks).toHaveLength(0);
    x.dispose();
    model.dispose();
  });

  it('says so, without leaking, when the second (gradient) pass runs other layers than the first', async () => {
    const model = mlp(2, 4, kaiming, 'relu', new Rng(1));
    let calls = 0;
    const skip = model.layers[2];
    const forward = model.forward.bind(model);
    // The second pass skips the third layer: the probes no longer line up.
    model.forward = (x) =>
      ++calls === 2 ? model.layers.filter((l) => l !== skip).reduce((y, l) => l.call(y), x) : forward(x);
    const x = new Rng(0).normalTensor([3, 4], 0, 1);
    const tensors = memory().numTensors;
    await expect(activationStats(model, x)).rejects.toThrow(
      /second forward pass .* differs from the first at '3'/,
    );
    expect(memory().numTensors).toBe(tensors);
    x.dispose();
    model.dispose();
  });

  it('rejects unknown options', async () => {
    const model = new FakeSequential([new FakeReLU()]);
    const x = new Rng(0).normalTensor([2, 2], 0, 1);
    await expect(activationStats(model, x, { saturate: 0.9 } as never)).rejects.toThrow(
      /unknown option 'saturate'/,
    );
    x.dispose();
  });
});
