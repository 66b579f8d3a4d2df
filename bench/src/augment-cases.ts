import { CIFAR10_STATS, defaultTrainPipeline, FASHION_MNIST_STATS } from '@convkit/augment';
import { formatReport, initBackend, Rng } from '@convkit/backend';
import {
  Conv2d,
  crossEntropy,
  Flatten,
  Linear,
  MaxPool2d,
  ReLU,
  Sequential,
  valueAndGrads,
} from '@convkit/core';
import { Adam } from '@convkit/trainer';
import { dispose, type Tensor4D, tensor1d } from '@tensorflow/tfjs-core';
import { AUGMENT_BATCH, AUGMENT_INPUTS, augmentCase, type Case, stepCase, TRAIN_LR } from './cases';
import type { MeasureOptions } from './measure';

/** Backends where a train step on 256 images takes over 10 s: the step is listed as skipped. */
const STEP_TOO_SLOW = ['cpu'];

/** Few runs where one run takes seconds (software WebGPU): one warm-up, then 2 or 3 timed runs. */
const SLOW: MeasureOptions = { warmup: 1, minRuns: 2, maxRuns: 3, budgetMs: 2000 };

/**
 * The example's MNIST CNN (`mnist_cnn` of @convkit/models) for an H×W×C input:
 * Conv2d(C→8, 5, pad 2) → ReLU → MaxPool 2 → Conv2d(8→16, 5, pad 2) → ReLU → MaxPool 2 → Flatten →
 * Linear(H/4·W/4·16 → 10). For 28×28×1 it is `mnistCnn({ rng: seed })`, parameter for parameter.
 */
export function exampleCnn(h: number, w: number, c: number, seed = 0): Sequential {
  const rng = new Rng(seed);
  return new Sequential(
    new Conv2d({ inChannels: c, outChannels: 8, kernelSize: 5, padding: 2, rng: rng.fork() }),
    new ReLU(),
    new MaxPool2d({ kernelSize: 2 }),
    new Conv2d({ inChannels: 8, outChannels: 16, kernelSize: 5, padding: 2, rng: rng.fork() }),
    new ReLU(),
    new MaxPool2d({ kernelSize: 2 }),
    new Flatten(),
    new Linear({ inFeatures: (h >> 2) * (w >> 2) * 16, outFeatures: 10, rng: rng.fork() }),
  );
}

/**
 * Per input of {@link AUGMENT_INPUTS}: `defaultTrainPipeline` (pad-crop 4 + flip, colour jitter,
 * normalize, random erasing) on a random batch of 256 images in [0, 1], and one train step
 * (forward, cross-entropy, backward, Adam) of the example's CNN on the same batch, after `initBackend`.
 */
export async function augmentCases(backend: string): Promise<{ cases: Case[]; detail: string }> {
  const report = await initBackend({ backend, strict: true });
  const measure = backend === 'webgpu' ? SLOW : undefined;
  const cases: Case[] = [];
  for (const { label, shape } of AUGMENT_INPUTS) {
    const [h, w, c] = shape;
    const x = new Rng(1).uniformTensor([AUGMENT_BATCH, h, w, c]) as Tensor4D;
    const pipeline = defaultTrainPipeline({ stats: c === 3 ? CIFAR10_STATS : FASHION_MNIST_STATS });
    const rng = new Rng(2);
    cases.push({
      name: augmentCase(label),
      measure,
      run: async () => {
        const y = pipeline(x, rng);
        await y.data();
        y.dispose();
      },
    });
    if (STEP_TOO_SLOW.includes(backend)) {
      cases.push({ name: stepCase(label), skipped: 'too slow' });
      continue;
    }
    const model = exampleCnn(h, w, c);
    const optimizer = new Adam(model, { lr: TRAIN_LR });
    const labels = tensor1d(
      Int32Array.from({ length: AUGMENT_BATCH }, (_, i) => i % 10),
      'int32',
    );
    cases.push({
      name: stepCase(label),
      measure,
      run: async () => {
        const { loss, grads } = valueAndGrads(model, () => crossEntropy(model.call(x), labels));
        optimizer.step(grads);
        await loss.data();
        dispose([loss, grads]);
      },
    });
  }
  return { cases, detail: formatReport(report).split('\n')[0] };
}
