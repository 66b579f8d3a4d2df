import { countLaunches, formatReport, initBackend, Rng } from '@convkit/backend';
import { crossEntropy, valueAndGrads } from '@convkit/core';
import { batches, loadMnist } from '@convkit/data';
import { mnistCnn } from '@convkit/models';
import { createOptimizerRegistry, type Optimizer } from '@convkit/trainer';
import { dispose, type Tensor, type Variable, variable } from '@tensorflow/tfjs-core';
import { type Case, composedCase, OPTIMIZER_CASES, OPTIMIZERS, optimizerCase, TRAIN_BATCH } from './cases';
import type { MeasureOptions } from './measure';

/** Few runs where one run takes long (software WebGPU): one warm-up, then 2 or 3 timed runs. */
const SLOW: MeasureOptions = { warmup: 1, minRuns: 2, maxRuns: 3, budgetMs: 2000 };

/**
 * The parameter shapes of torchvision's ResNet-18 at a quarter of its width (16–128 channels, a
 * 10-class head), NHWC/HWIO: 62 tensors, 0.70 M values. The update's cost there is mostly per-tensor
 * overhead on a GPU (launches) and per-value work on a CPU.
 */
export function resnet18QuarterShapes(): number[][] {
  const shapes: number[][] = [[7, 7, 3, 16], [16], [16]]; // conv1, bn1 weight and bias
  let inC = 16;
  for (const [stage, c] of [16, 32, 64, 128].entries()) {
    for (let block = 0; block < 2; block++) {
      const cin = block === 0 ? inC : c;
      shapes.push([3, 3, cin, c], [c], [c], [3, 3, c, c], [c], [c]);
      if (block === 0 && stage > 0) shapes.push([1, 1, cin, c], [c], [c]); // downsample conv + bn
    }
    inC = c;
  }
  shapes.push([128, 10], [10]); // fc weight and bias: the last tensor updated is small, read back cheaply
  return shapes;
}

/** Named parameters and a fixed gradient for each, of the given shapes. */
function parameterSet(shapes: number[][], seed: number) {
  const rng = new Rng(seed);
  const params = shapes.map((s, i) => {
    const t = rng.normalTensor(s, 0, 0.1);
    const v = variable(t, true, `bench_p${seed}_${i}`);
    t.dispose();
    return [`p${i}`, v] as [string, Variable];
  });
  const grads = Object.fromEntries(shapes.map((s, i) => [`p${i}`, rng.normalTensor(s, 0, 0.01)])) as Record<
    string,
    Tensor
  >;
  return { params, grads };
}

/**
 * Per optimizer of {@link OPTIMIZERS}: a train step of the example's MNIST CNN on 64 images (forward,
 * cross-entropy, backward, update), and the update alone on the CNN's 6 parameters and on 62
 * ResNet-18-shaped ones, after `initBackend`. On webgpu each also runs with `fused: false` (composed
 * tfjs ops) next to it, with the GPU programs one update / one train step launches.
 */
export async function optimizerCases(backend: string): Promise<{ cases: Case[]; detail: string }> {
  const report = await initBackend({ backend, strict: true });
  const registry = createOptimizerRegistry();
  const gpu = backend === 'webgpu';
  const measure = gpu ? SLOW : undefined;
  const first = batches(await loadMnist('train'), { batchSize: TRAIN_BATCH }).next();
  if (first.done) throw new Error('MNIST has no training batch');
  const { x, y } = first.value;
  const resnet = parameterSet(resnet18QuarterShapes(), 5);
  const cases: Case[] = [];
  for (const [label, { name, options }] of Object.entries(OPTIMIZERS)) {
    for (const fused of gpu ? [true, false] : [true]) {
      const named = (what: string) => {
        const full = optimizerCase(label, what);
        return fused ? full : composedCase(full);
      };
      // A train step of the example's CNN.
      const model = mnistCnn({ rng: 0 });
      const trainOpt: Optimizer = registry.create(name, model, { ...options, fused });
      const trainStep = () => {
        const { loss, grads } = valueAndGrads(model, () => crossEntropy(model.call(x), y));
        trainOpt.step(grads);
        dispose(grads);
        return loss;
      };
      trainStep().dispose(); // the optimizer's state exists from here on, as in training
      const trainLaunches = gpu ? countLaunches(trainStep) : undefined;
      trainLaunches?.result.dispose();
      cases.push({
        name: named(OPTIMIZER_CASES.trainStep),
        launches: trainLaunches?.launches,
        measure,
        run: async () => {
          const loss = trainStep();
          await loss.data();
          loss.dispose();
        },
      });
      // The update alone, with fixed gradients: on the CNN's parameters, and on ResNet-18's shapes.
      const cnnGrads = valueAndGrads(model, () => crossEntropy(model.call(x), y));
      for (const [what, params, grads] of [
        [OPTIMIZER_CASES.cnnUpdate, model.namedParameters(), cnnGrads.grads],
        [OPTIMIZER_CASES.resnetUpdate, resnet.params, resnet.grads],
      ] as const) {
        const opt: Optimizer = registry.create(name, [...params], { ...options, fused });
        opt.step(grads);
        const last = params[params.length - 1][1];
        const launches = gpu ? countLaunches(() => opt.step(grads)).launches : undefined;
        cases.push({
          name: named(what),
          launches,
          measure,
          run: async () => {
            opt.step(grads);
            await last.data();
          },
        });
      }
    }
  }
  return { cases, detail: formatReport(report).split('\n')[0] };
}
