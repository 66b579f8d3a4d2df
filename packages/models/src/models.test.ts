// The all-models test (timm's test_models): every registered name, on every backend, at the small input
// and reduced options its entry declares in `test` (e.g. widthMultiplier 1/16; the registry README table
// and params.test.ts check the full-size figures). A new zoo entry gets all of this for free.
import { Rng } from '@convkit/backend';
import { describeEachBackend, maxAbsDiff } from '@convkit/backend/testing';
import { valueAndGrads } from '@convkit/core';
import { abs, dispose, memory, mul, stack, sum, type Tensor, tidy } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createModel, listModels, modelRegistry } from './index';
import type { ZooModel } from './model';
import { parseSafetensors, saveSafetensors } from './safetensors';
import { exportTorchWeights, loadTorchWeights } from './torch-weights';

const BATCH = 2;

function setup(name: string) {
  const entry = modelRegistry.get(name);
  const [h, w, c] = entry.test?.inputSize ?? entry.cfg.inputSize;
  const options = { ...entry.test?.options };
  return {
    entry,
    shape: [BATCH, h, w, c],
    make: (seed: number) => entry.create({ ...options, rng: seed }),
  };
}

/** Equal outputs of two equal models: bit-equal on cpu and wasm, within 1e-5 relative on webgpu. */
async function expectSame(a: Tensor, b: Tensor, backend: string, what: string): Promise<void> {
  const [va, vb] = [await a.data(), await b.data()];
  const scale = Math.max(1, ...Array.from(vb, Math.abs));
  expect(maxAbsDiff(va, vb), what).toBeLessThanOrEqual(backend === 'webgpu' ? 1e-5 * scale : 0);
}

/** The model after a training-mode forward pass, so that its running statistics differ from a fresh model's. */
function trained(model: ZooModel, x: Tensor): ZooModel {
  model.train().call(x).dispose();
  return model.eval();
}

describe('the zoo', () => {
  it('has every family: AlexNet, VGG, ResNet, small-image ResNets, the MNIST CNN', () => {
    expect(listModels().length).toBeGreaterThanOrEqual(23);
    expect(listModels('vgg*')).toHaveLength(8);
    expect(listModels(['resnet*', 'resnext*', 'wide*']).length).toBe(14);
    expect(listModels(['alexnet', 'mnist_cnn'])).toEqual(['alexnet', 'mnist_cnn']);
  });
});

describeEachBackend('every registered model', (backend) => {
  for (const name of listModels()) {
    const { entry, shape, make } = setup(name);
    describe(name, () => {
      it(`forward [${shape}] → [${BATCH}, ${entry.cfg.numClasses}] and backward: every parameter gets a finite, non-zero gradient; no tensor leak`, async () => {
        expect(shape[3], 'the test input has the model’s channels').toBe(entry.cfg.inputSize[2]);
        const before = memory().numTensors;
        const model = make(1);
        const x = new Rng(3).normalTensor(shape);
        expect(model.numClasses).toBe(entry.cfg.numClasses);
        const y = model.train().call(x);
        expect(y.shape).toEqual([BATCH, entry.cfg.numClasses]);
        expect((await y.data()).every(Number.isFinite)).toBe(true);
        const r = new Rng(4).normalTensor(y.shape);
        const step = () => valueAndGrads(model, () => sum(mul(model.call(x), r)));
        const { loss, grads } = step();
        const names = Object.keys(grads);
        expect([...names].sort()).toEqual(
          model
            .namedParameters()
            .map(([n]) => n)
            .sort(),
        );
        // One read-back for all gradients (webgpu maps a buffer per read): Σ|g| per parameter is finite
        // only when every element is, and non-zero when one is.
        const norms = tidy(() => stack(names.map((k) => sum(abs(grads[k])))));
        const l1 = await norms.data();
        names.forEach((k, i) => {
          expect(Number.isFinite(l1[i]), `${k}: finite gradient`).toBe(true);
          expect(l1[i], `${k}: non-zero gradient`).toBeGreaterThan(0);
        });
        dispose([y, loss, grads, norms]);
        // A second training step leaves no tensor behind; dispose leaves none at all.
        const settled = memory().numTensors;
        const again = step();
        dispose([again.loss, again.grads]);
        expect(memory().numTensors - settled, 'tensors leaked by a training step').toBe(0);
        dispose([x, r]);
        model.dispose();
        expect(memory().numTensors - before, 'tensors left after dispose').toBe(0);
      });

      // Round trips move data (the same code on every backend): cpu and wasm check them, webgpu would spend
      // most of its time mapping buffers one tensor at a time.
      it.skipIf(backend === 'webgpu')(
        'state dict, safetensors (PyTorch keys) and toConfig → createModel round trips rebuild the same model (cpu and wasm)',
        async () => {
          const x = new Rng(3).normalTensor(shape);
          const model = trained(make(1), x);
          const y = model.call(x);
          const copies: ZooModel[] = [];
          try {
            const viaState = make(2);
            copies.push(viaState);
            viaState.loadStateDict(model.stateDict()).eval();

            const exported = exportTorchWeights(model);
            const bytes = await saveSafetensors(exported);
            dispose(Object.values(exported));
            const viaFile = make(3);
            copies.push(viaFile);
            loadTorchWeights(viaFile, parseSafetensors(bytes)).loaded.length;
            viaFile.eval();

            const config = model.toConfig();
            const json = JSON.parse(JSON.stringify(config));
            expect(json, 'toConfig() is JSON-safe').toEqual(config);
            const viaConfig = createModel(json);
            copies.push(viaConfig);
            expect(viaConfig.toConfig()).toEqual(config);
            expect(viaConfig.className).toBe(model.className);
            const shapes = (m: ZooModel) => Object.entries(m.stateDict()).map(([k, v]) => [k, v.shape]);
            expect(shapes(viaConfig)).toEqual(shapes(model));
            viaConfig.loadStateDict(model.stateDict()).eval();

            for (const [what, copy] of [
              ['state dict', viaState],
              ['safetensors', viaFile],
              ['config', viaConfig],
            ] as const) {
              const z = copy.call(x);
              await expectSame(z, y, backend, what);
              z.dispose();
            }
          } finally {
            dispose([x, y]);
            model.dispose();
            for (const m of copies) m.dispose();
          }
        },
      );

      it('forwardHead(forwardFeatures(x)) is the forward pass; forwardStages matches featureInfo', async () => {
        const x = new Rng(3).normalTensor(shape);
        const model = make(1).eval();
        const before = memory().numTensors;
        try {
          const y = model.call(x);
          const features = model.forwardFeatures(x);
          const z = model.forwardHead(features);
          await expectSame(z, y, backend, 'head of features');
          const pre = model.forwardHead(features, { preLogits: true });
          expect(pre.shape).toEqual([BATCH, model.numFeatures]);
          const stages = model.forwardStages(x);
          const info = model.featureInfo();
          expect(stages.length).toBe(info.length);
          stages.forEach((s, i) => {
            expect(s.shape[3], `${info[i].module} channels`).toBe(info[i].channels);
            expect(
              Math.abs((s.shape[1] as number) - shape[1] / info[i].reduction),
              `${info[i].module} size`,
            ).toBeLessThanOrEqual(1);
          });
          dispose([y, features, z, pre, ...stages]);
          expect(memory().numTensors - before, 'tensors left by forward, forwardFeatures/Head/Stages').toBe(
            0,
          );
        } finally {
          dispose(x);
          model.dispose();
        }
      });
    });
  }
});
