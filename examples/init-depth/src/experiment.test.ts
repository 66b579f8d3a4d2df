// Integration of @convkit/init's diagnostics with @convkit/core's Module (forward hooks), and a small
// run of the experiment. Lives here because init must not depend on core, even in its tests' types.
import { Rng } from '@convkit/backend';
import { describeEachBackend } from '@convkit/backend/testing';
import { Linear, ReLU, Sequential } from '@convkit/core';
import { activationStats } from '@convkit/init';
import { add, engine, memory, ones, type Tensor } from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { buildMlp, runExperiment } from './experiment';

const small = { depth: 12, width: 32, batch: 64, seed: 0 };

describeEachBackend('init diagnostics on core modules', () => {
  it('Module.registerForwardHook sees every call, can replace the output, and is removable', async () => {
    const fc = new Linear({ inFeatures: 3, outFeatures: 2, rng: 1 });
    const net = new Sequential(fc, new ReLU());
    const x = new Rng(2).normalTensor([4, 3], 0, 1);
    const seen: [string, number[], number[]][] = [];
    const remove = fc.registerForwardHook((m, input, output) => {
      seen.push([m.className, input.shape, output.shape]);
      return add(output, ones(output.shape));
    });
    const before = memory().numTensors;
    const hooked = net.call(x);
    expect(memory().numTensors).toBe(before + 1);
    remove();
    remove();
    const plain = net.call(x);
    const z = fc.call(x);
    const [h, p, zd] = await Promise.all([hooked.data(), plain.data(), z.data()]);
    expect(seen).toEqual([['Linear', [4, 3], [4, 2]]]);
    // relu(z + 1) with the hook, relu(z) without.
    for (let i = 0; i < zd.length; i++) {
      expect(h[i]).toBeCloseTo(Math.max(zd[i] + 1, 0), 5);
      expect(p[i]).toBeCloseTo(Math.max(zd[i], 0), 5);
    }
    for (const t of [hooked, plain, z, x] as Tensor[]) t.dispose();
    net.dispose();
  });

  it('activationStats reads a core Sequential by name and class, without leaks', async () => {
    const model = buildMlp('relu', 'kaiming', small);
    const x = new Rng(3).normalTensor([small.batch, small.width], 0, 1);
    const tensors = memory().numTensors;
    const variables = Object.keys(engine().registeredVariables).length;
    const stats = await activationStats(model, x);
    expect(memory().numTensors).toBe(tensors);
    expect(Object.keys(engine().registeredVariables).length).toBe(variables);
    expect(stats.map((s) => s.name)).toEqual(Array.from({ length: 2 * small.depth }, (_, i) => String(i)));
    expect(stats.map((s) => s.className).slice(0, 2)).toEqual(['Linear', 'ReLU']);
    // Default loss sum(y²)/2: the last layer's gradient is its output.
    const last = stats[stats.length - 1];
    expect(last.gradStd / last.std).toBeCloseTo(1, 4);
    x.dispose();
    model.dispose();
  });

  it('reproduces the lecture: std 0.01 vanishes, std 1 explodes (ReLU) or saturates (tanh), Kaiming holds', async () => {
    const results = await runExperiment(small);
    const get = (act: string, init: string) => {
      const r = results.find((c) => c.act === act && c.init === init);
      if (!r) throw new Error(`no result for ${act}/${init}`);
      return { first: r.stats[0], last: r.stats[r.stats.length - 1], all: r.stats };
    };
    expect(results).toHaveLength(8);
    for (const act of ['tanh', 'relu']) {
      const s = get(act, 'small');
      expect(s.last.std).toBeLessThan(1e-6 * s.first.std);
      expect(s.first.gradStd).toBeLessThan(1e-6 * s.last.gradStd);
      const k = get(act, 'kaiming');
      expect(k.last.std / k.first.std).toBeGreaterThan(0.5);
      expect(k.last.std / k.first.std).toBeLessThan(2);
    }
    const large = get('relu', 'large');
    // Each layer multiplies the std by about √(width/2) = 4 here.
    expect(large.last.std).toBeGreaterThan(1e5 * large.first.std);
    for (const s of get('tanh', 'large').all.slice(1)) expect(s.saturatedFraction).toBeGreaterThan(0.5);
    for (const s of get('relu', 'kaiming').all) expect(Math.abs(s.zeroFraction - 0.5)).toBeLessThan(0.15);
    // Xavier under ReLU loses a factor ~√2 per layer: slower than std 0.01, but it still decays.
    const xr = get('relu', 'xavier');
    expect(xr.last.std).toBeLessThan(0.1 * xr.first.std);
  });
});
