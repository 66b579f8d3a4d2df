import { countLaunches, formatReport, initBackend, Rng } from '@convkit/backend';
import { Conv2d, type Module, ReLU, Residual, Sequential } from '@convkit/core';
import {
  BatchNorm2d,
  createNorm,
  GroupNorm,
  hasFusedNormalize,
  InstanceNorm2d,
  LayerNorm,
  LayerNorm2d,
  type NormName,
} from '@convkit/norms';
import {
  clone,
  customGrad,
  dispose,
  mul,
  type Scalar,
  sum,
  type Tensor,
  type Variable,
  variable,
  variableGrads,
} from '@tensorflow/tfjs-core';
import { BLOCK_CASES, BLOCK_INPUT, type Case, composedCase, NORM_CASES, NORM_INPUT } from './cases';
import type { MeasureOptions } from './measure';

/** Backends where these cases take tens of seconds per run: listed as skipped. */
const TOO_SLOW = ['cpu'];

/** Few runs where one run takes seconds (software WebGPU): one warm-up, then 2 or 3 timed runs. */
const SLOW: MeasureOptions = { warmup: 1, minRuns: 2, maxRuns: 3, budgetMs: 2000 };

/** The norms of the table, for a [N, H, W, C] activation. */
type MakeNorm = (h: number, w: number, c: number, fused: boolean) => Module;
const NORMS: Record<Exclude<keyof typeof NORM_CASES, 'conv'>, MakeNorm> = {
  batch: (_h, _w, c, fused) => new BatchNorm2d({ numFeatures: c, fused }),
  layer: (h, w, c, fused) => new LayerNorm({ normalizedShape: [h, w, c], fused }),
  layer2d: (_h, _w, c, fused) => new LayerNorm2d({ numChannels: c, fused }),
  instance: (_h, _w, c, fused) => new InstanceNorm2d({ numFeatures: c, affine: true, fused }),
  group: (_h, _w, c, fused) => new GroupNorm({ numGroups: 32, numChannels: c, fused }),
};

const conv3x3 = (c: number, rng: Rng) =>
  new Conv2d({ inChannels: c, outChannels: c, kernelSize: 3, padding: 1, rng: rng.fork() });

/** A basic ResNet block at constant width: x + norm(conv(relu(norm(conv(x))))), ReLU left out after the sum. */
function resnetBlock(c: number, norm: NormName, rng: Rng, fused = true): Module {
  const n = () => createNorm(norm, c, { affine: true, fused });
  return new Residual(new Sequential(conv3x3(c, rng), n(), new ReLU(), conv3x3(c, rng), n()));
}

/** A random input variable and the loss Σ y·r against a random r of the same shape. */
interface GradInput {
  x: Variable;
  loss: (y: Tensor) => Scalar;
}

function gradInput(shape: readonly number[], seed: number): GradInput {
  const rng = new Rng(seed);
  const x = variable(rng.normalTensor([...shape]));
  const r = rng.normalTensor([...shape]);
  // Σ y·r with gradient r itself, precomputed: the backward pass is the layer's alone, with no
  // broadcast of a scalar dL/dy to the whole map (a sum's gradient) in the timing.
  const loss = customGrad((...args) => {
    const y = args[0] as Tensor;
    return { value: sum(mul(y, r)), gradFunc: () => clone(r) };
  });
  return { x, loss: (y) => loss(y) as Scalar };
}

/**
 * One forward+backward case of `module`: gradients w.r.t. the input and every trainable parameter.
 * With `launches`, also counts the GPU programs of one such pass (webgpu).
 */
function gradCase(name: string, module: Module, { x, loss }: GradInput, launches = false): Case {
  const vars: Variable[] = [x, ...module.trainableParameters()];
  const pass = () => variableGrads(() => loss(module.call(x)), vars);
  const counted = launches ? countLaunches(pass) : undefined;
  if (counted) dispose([counted.result.value, counted.result.grads]);
  return {
    name,
    launches: counted?.launches,
    run: async () => {
      const { value, grads } = pass();
      await grads[x.name].data();
      dispose([value, grads]);
    },
  };
}

/**
 * The norm table (each norm and the 3×3 conv before it, forward+backward on {@link NORM_INPUT}) and
 * the ResNet block with each norm on {@link BLOCK_INPUT}, after `initBackend` on `backend`.
 * Modules stay in training mode: BatchNorm uses batch statistics and updates its running ones.
 */
export async function normCases(backend: string): Promise<{ cases: Case[]; detail: string }> {
  const report = await initBackend({ backend, strict: true });
  const detail = formatReport(report).split('\n')[0];
  const names = [...Object.values(NORM_CASES), ...Object.values(BLOCK_CASES)];
  if (TOO_SLOW.includes(backend))
    return { cases: names.map((name) => ({ name, skipped: 'too slow' })), detail };
  const measure = backend === 'webgpu' ? SLOW : undefined;
  // Where the backend has fused norm kernels, each norm and block also runs on the composed ops,
  // next to it, with the GPU programs one pass launches.
  const fused = hasFusedNormalize();
  const count = backend === 'webgpu';
  const [, h, w, c] = NORM_INPUT;
  const rng = new Rng(3);
  const activation = gradInput(NORM_INPUT, 1);
  const cases: Case[] = [gradCase(NORM_CASES.conv, conv3x3(c, rng), activation, count)];
  for (const [key, make] of Object.entries(NORMS)) {
    const name = NORM_CASES[key as keyof typeof NORMS];
    cases.push(gradCase(name, make(h, w, c, true), activation, count));
    if (fused) cases.push(gradCase(composedCase(name), make(h, w, c, false), activation, count));
  }
  const blockInput = gradInput(BLOCK_INPUT, 2);
  for (const [norm, name] of Object.entries(BLOCK_CASES)) {
    const block = (f: boolean) => resnetBlock(BLOCK_INPUT[3], norm as NormName, rng, f);
    cases.push(gradCase(name, block(true), blockInput, count));
    if (fused && norm !== 'none') cases.push(gradCase(composedCase(name), block(false), blockInput, count));
  }
  return { cases: cases.map((k) => ({ ...k, measure })), detail };
}
