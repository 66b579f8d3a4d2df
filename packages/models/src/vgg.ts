import { checkPositiveInt, type Rng } from '@convkit/backend';
import { Conv2d, Identity, Linear, layerRng, MaxPool2d, type Module, seedConfig } from '@convkit/core';
import { kaimingNormal, normal } from '@convkit/init';
import { type CreateNormOptions, createNorm, type NormName } from '@convkit/norms';
import { Dropout } from '@convkit/regularization';
import { zeros } from '@tensorflow/tfjs-core';
import { IMAGENET, PAPERS } from './cfgs';
import { MlpHeadModel } from './mlp-head';
import { createActivation, MODEL_KEYS, type ModelOptions, resolveModelOptions, scaleWidth } from './model';
import { checkKnownKeys } from './names';
import type { ModelCfg, ModelEntry, ModelFamily } from './registry';

/** A VGG feature extractor: conv widths, `'M'` for a 2×2 max-pool (torchvision's `cfgs`). */
export type VGGLayers = (number | 'M')[];

/** `new VGG(config)`: the layers and the options. */
export interface VGGConfig extends ModelOptions {
  layers: VGGLayers;
  /** A norm after each conv: `'batch'` for the `_bn` models, `'none'` (default) for the plain ones; any `createNorm` name. */
  norm?: NormName;
  normOptions?: CreateNormOptions;
}

const KEYS = ['layers', ...MODEL_KEYS, 'norm', 'normOptions'];

/** {@link VGG}'s resolved options: every default filled in, `rng` only as a numeric seed. */
export type ResolvedVGGConfig = Required<Omit<VGGConfig, 'rng'>> & { rng?: number };

function resolve(c: VGGConfig): ResolvedVGGConfig {
  checkKnownKeys('VGG', c, KEYS, ['layers']);
  if (!Array.isArray(c.layers) || !c.layers.some((v) => v !== 'M')) {
    throw new Error(
      `VGG: layers must list conv widths and 'M' (max-pool), e.g. [64, 'M', 128, 'M'], got ${JSON.stringify(c.layers)}`,
    );
  }
  return {
    layers: c.layers.map((v, i) => (v === 'M' ? v : checkPositiveInt('VGG', `layers[${i}]`, v))),
    ...resolveModelOptions('VGG', c, { numClasses: 1000, inChannels: 3, dropRate: 0.5 }),
    norm: c.norm ?? 'none',
    normOptions: structuredClone(c.normOptions ?? {}),
    ...seedConfig(c.rng, 'VGG'),
  };
}

/** A linear layer with VGG's init: weight N(0, 0.01), bias 0. */
export function linearNormal(inFeatures: number, outFeatures: number, rng: Rng): Linear {
  const fc = new Linear({ inFeatures, outFeatures, rng });
  const w = normal([inFeatures, outFeatures], rng, { std: 0.01 });
  fc.weight.assign(w);
  w.dispose();
  zeroBias(fc);
  return fc;
}

function zeroBias(layer: Conv2d | Linear): void {
  if (!layer.bias) return;
  const z = zeros(layer.bias.shape);
  layer.bias.assign(z);
  z.dispose();
}

/**
 * VGG (Simonyan & Zisserman 2015) as torchvision builds it, NHWC: 3×3 convs (padding 1, with bias),
 * each followed by an optional norm and ReLU, 2×2 max-pools, an adaptive average pool to 7×7 and a
 * classifier `Linear(512·7·7 → 4096), ReLU, Dropout, Linear(4096 → 4096), ReLU, Dropout, Linear(4096 → n)`.
 *
 * Keys are torchvision's: `features.<i>.weight` (conv, then norm, activation, pools counted in the
 * index), `classifier.0/3/6`. Init as torchvision: convs Kaiming normal (fan-out, ReLU gain) with zero
 * bias, norms 1/0, linears N(0, 0.01) with zero bias. `classifier.0` reads its input in NHWC (h, w, c)
 * order; `loadTorchWeights` permutes torchvision's (c, h, w) rows.
 *
 * Options (defaults): `numClasses` 1000 (0: no last linear), `inChannels` 3, `norm` 'none',
 * `activation` 'relu', `dropRate` 0.5, `widthMultiplier` 1 (convs and the 4096-wide hidden layers),
 * `rng` a fresh seed. Shapes: `[N, H, W, inChannels] → [N, numClasses]`, H, W ≥ 32. Stages (timm's VGG
 * feature maps): the activation before each max-pool, reductions 1, 2, 4, 8, 16.
 *
 * @example
 * const net = vgg16_bn({ numClasses: 10, rng: 0 });
 */
export class VGG extends MlpHeadModel {
  static readonly className = 'VGG';
  override readonly options: ResolvedVGGConfig;

  constructor(config: VGGConfig) {
    super(7);
    const c = resolve(config);
    this.options = c;
    const rng = layerRng(config.rng, 'VGG');
    let channels = c.inChannels;
    let reduction = 1;
    for (const v of c.layers) {
      if (v === 'M') {
        this.endStage(channels, reduction);
        this.features.add(new MaxPool2d({ kernelSize: 2, stride: 2 }));
        reduction *= 2;
        continue;
      }
      const out = scaleWidth(v, c.widthMultiplier);
      const conv = new Conv2d({ inChannels: channels, outChannels: out, kernelSize: 3, padding: 1, rng });
      const w = kaimingNormal(conv.weight.shape, rng, { mode: 'fanOut', nonlinearity: 'relu' });
      conv.weight.assign(w);
      w.dispose();
      zeroBias(conv);
      this.features.add(conv);
      if (c.norm !== 'none') this.features.add(createNorm(c.norm, out, c.normOptions));
      this.features.add(createActivation(c.activation));
      channels = out;
    }
    const hidden = scaleWidth(4096, c.widthMultiplier);
    this.setClassifier(channels, hidden, [
      linearNormal(channels * 49, hidden, rng),
      createActivation(c.activation),
      new Dropout({ p: c.dropRate, rng: rng.fork() }),
      linearNormal(hidden, hidden, rng),
      createActivation(c.activation),
      new Dropout({ p: c.dropRate, rng: rng.fork() }),
      this.lastLayer(hidden, c.numClasses, rng),
    ]);
  }

  /** `Linear(hidden → n)` with N(0, 0.01) init, or Identity for n = 0. */
  protected lastLayer(hidden: number, numClasses: number, rng: Rng): Module {
    return numClasses === 0 ? new Identity() : linearNormal(hidden, numClasses, rng);
  }
}

// biome-ignore format: one line per configuration, as torchvision's `cfgs`
const A: VGGLayers = [64, 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'];
// biome-ignore format: as above
const B: VGGLayers = [64, 64, 'M', 128, 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'];
// biome-ignore format: as above
const D: VGGLayers = [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M'];
// biome-ignore format: as above
const E: VGGLayers = [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 256, 'M', 512, 512, 512, 512, 'M', 512, 512, 512, 512, 'M'];

/** A VGG with `layers` and `options`; the options may override `norm`. */
export function vgg(layers: VGGLayers, norm: NormName, options: Omit<VGGConfig, 'layers'> = {}): VGG {
  return new VGG({ layers, norm, ...options });
}

export const vgg11 = (o?: Omit<VGGConfig, 'layers'>) => vgg(A, 'none', o);
export const vgg11_bn = (o?: Omit<VGGConfig, 'layers'>) => vgg(A, 'batch', o);
export const vgg13 = (o?: Omit<VGGConfig, 'layers'>) => vgg(B, 'none', o);
export const vgg13_bn = (o?: Omit<VGGConfig, 'layers'>) => vgg(B, 'batch', o);
export const vgg16 = (o?: Omit<VGGConfig, 'layers'>) => vgg(D, 'none', o);
export const vgg16_bn = (o?: Omit<VGGConfig, 'layers'>) => vgg(D, 'batch', o);
export const vgg19 = (o?: Omit<VGGConfig, 'layers'>) => vgg(E, 'none', o);
export const vgg19_bn = (o?: Omit<VGGConfig, 'layers'>) => vgg(E, 'batch', o);

const TEST = { inputSize: [32, 32, 3] as [number, number, number], options: { widthMultiplier: 1 / 32 } };
const entry = (
  name: string,
  create: (o?: Omit<VGGConfig, 'layers'>) => VGG,
  params: number,
  macs: number,
): ModelEntry => {
  const cfg: ModelCfg = { ...IMAGENET, params, macs, paper: PAPERS.vgg, torchvision: name };
  return { name, create, cfg, test: TEST };
};

/** torchvision's VGGs (parameter counts torchvision 0.14's). */
export const VGG_FAMILY: ModelFamily = {
  specificationVersion: 1,
  architecture: VGG,
  models: [
    entry('vgg11', vgg11, 132_863_336, 7_609_090_048),
    entry('vgg11_bn', vgg11_bn, 132_868_840, 7_609_090_048),
    entry('vgg13', vgg13, 133_047_848, 11_308_466_176),
    entry('vgg13_bn', vgg13_bn, 133_053_736, 11_308_466_176),
    entry('vgg16', vgg16, 138_357_544, 15_470_264_320),
    entry('vgg16_bn', vgg16_bn, 138_365_992, 15_470_264_320),
    entry('vgg19', vgg19, 143_667_240, 19_632_062_464),
    entry('vgg19_bn', vgg19_bn, 143_678_248, 19_632_062_464),
  ],
};
