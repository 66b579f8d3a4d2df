import { BRAND, checkNumber, checkPositiveInt, checkProbability, type Rng } from '@convkit/backend';
import {
  ELU,
  GELU,
  Identity,
  LeakyReLU,
  Linear,
  layerRng,
  Module,
  ReLU,
  Sequential,
  Sigmoid,
  SiLU,
  Tanh,
} from '@convkit/core';
import { type Tensor, tidy } from '@tensorflow/tfjs-core';
import { didYouMean } from './names';

/** Activations a zoo model can use instead of ReLU (core's layers, default options). */
const ACTIVATIONS = {
  relu: () => new ReLU(),
  leakyRelu: () => new LeakyReLU(),
  elu: () => new ELU(),
  gelu: () => new GELU(),
  silu: () => new SiLU(),
  tanh: () => new Tanh(),
  sigmoid: () => new Sigmoid(),
} as const;

/** The names of {@link createActivation}. */
export type ActivationName = keyof typeof ACTIVATIONS;

/** Every activation name, in table order. */
export const activationNames = Object.keys(ACTIVATIONS) as ActivationName[];

/**
 * An activation layer by name (`'relu'`, `'leakyRelu'` (slope 0.01), `'elu'`, `'gelu'`, `'silu'`,
 * `'tanh'`, `'sigmoid'`); unknown names throw with the closest known ones.
 */
export function createActivation(name: ActivationName): Module {
  if (!Object.hasOwn(ACTIVATIONS, name)) {
    throw new Error(
      `createActivation: unknown activation '${name}'${didYouMean(String(name), activationNames)}; known: ${activationNames.join(', ')}`,
    );
  }
  return ACTIVATIONS[name]();
}

/** Options every zoo family takes (each family documents its defaults and adds its own). */
export interface ModelOptions {
  /** Classifier outputs; 0 removes the classifier (the model returns pooled features). */
  numClasses?: number;
  /** Channels of the input image (3 for RGB, 1 for grayscale). */
  inChannels?: number;
  /** The nonlinearity between layers. Default `'relu'`. */
  activation?: ActivationName;
  /** Dropout probability before the classifier (VGG, AlexNet: of their two hidden layers). */
  dropRate?: number;
  /** Scales every layer width (rounded, at least 1): 0.25 gives a model about 1/16 the size. Default 1. */
  widthMultiplier?: number;
  /** Seed or generator of the initial weights and dropout masks. Default: a fresh random seed. */
  rng?: number | Rng;
}

/** The keys of {@link ModelOptions}, in the order families list them (a family adds its own around them). */
export const MODEL_KEYS = ['numClasses', 'inChannels', 'activation', 'dropRate', 'widthMultiplier', 'rng'];

/** {@link ModelOptions} resolved: every default filled in (`rng` is the family's, see `seedConfig`). */
export type ResolvedModelOptions = Required<Omit<ModelOptions, 'rng'>>;

/**
 * Resolves and checks the options every family takes, with the family's defaults for `numClasses`,
 * `inChannels` and `dropRate` (`activation` 'relu', `widthMultiplier` 1). The family checks its unknown
 * keys before and appends `...seedConfig(options.rng, who)` after.
 */
export function resolveModelOptions(
  who: string,
  options: ModelOptions,
  defaults: Pick<ResolvedModelOptions, 'numClasses' | 'inChannels' | 'dropRate'>,
): ResolvedModelOptions {
  return {
    numClasses: checkNumClasses(who, options.numClasses ?? defaults.numClasses),
    inChannels: checkPositiveInt(who, 'inChannels', options.inChannels ?? defaults.inChannels),
    activation: options.activation ?? 'relu',
    dropRate: checkProbability(who, 'dropRate', options.dropRate ?? defaults.dropRate),
    widthMultiplier: checkMultiplier(who, options.widthMultiplier ?? 1),
  };
}

/** Where a feature map of {@link ZooModel.forwardStages} comes from. */
export interface FeatureInfo {
  /** The module whose output it is, by dotted name (e.g. `'layer2'`, `'features.8'`). */
  module: string;
  /** Its channels. */
  channels: number;
  /** Its stride relative to the input (2 = half the input's height and width). */
  reduction: number;
}

/** Options of {@link ZooModel.forwardHead}. */
export interface ForwardHeadOptions {
  /** Return the classifier's input (pooled, flattened features) instead of the logits. Default false. */
  preLogits?: boolean;
}

/** Checks a `numClasses` option (0 allowed: no classifier). */
export function checkNumClasses(who: string, n: unknown): number {
  return checkNumber(who, 'numClasses (0: no classifier)', n, { min: 0, integer: true });
}

/** `round(width · multiplier)`, at least 1: the width of a layer under `widthMultiplier`. */
export function scaleWidth(width: number, multiplier: number): number {
  return Math.max(1, Math.round(width * multiplier));
}

/** Checks a `widthMultiplier` option: a finite number > 0. */
export function checkMultiplier(who: string, m: unknown): number {
  if (checkNumber(who, 'widthMultiplier', m) <= 0) {
    throw new Error(`${who}: widthMultiplier must be > 0, got ${m}`);
  }
  return m as number;
}

/**
 * The classifier a zoo model ends with: a `Linear(numFeatures → numClasses)` with PyTorch's default
 * init, or `Identity` when `numClasses` is 0.
 */
export function classifier(numFeatures: number, numClasses: number, rng: number | Rng | undefined): Module {
  return numClasses === 0
    ? new Identity()
    : new Linear({ inFeatures: numFeatures, outFeatures: numClasses, rng: layerRng(rng, 'classifier') });
}

/**
 * The base of every zoo model: an image classifier split timm's way into a feature extractor and a
 * head, with a JSON-safe config that rebuilds it (`createModel(model.toConfig())`).
 *
 * - `forwardFeatures(x)`: the last feature map, before pooling (`[N, h, w, numFeatures']`);
 * - `forwardHead(f, { preLogits })`: pooling, dropout and the classifier (or the pooled features);
 * - `forwardStages(x)`: one feature map per stage, described by `featureInfo()`;
 * - `resetClassifier(n)`: a fresh classifier with `n` outputs (0: none), for transfer learning.
 *
 * Subclasses name their children as torchvision does, so that `loadTorchWeights` maps a torchvision
 * state dict onto them key by key.
 */
export abstract class ZooModel extends Module {
  /** Checked by `instanceof ZooModel` across the ESM and CJS builds (see `Module`). */
  static override readonly [BRAND]: string = '@convkit/models.ZooModel';
  /** Outputs of the classifier (0: none, the model returns pooled features): `options.numClasses`. */
  get numClasses(): number {
    return this.options.numClasses;
  }

  /** Width of the classifier's input (the pre-logits features). */
  abstract get numFeatures(): number;
  /** The classifier's dotted name, torchvision's (`'fc'`, `'classifier.6'`). */
  abstract get classifierName(): string;
  /** The last feature map, before pooling. */
  abstract forwardFeatures(x: Tensor): Tensor;
  /** Pooling, dropout and the classifier, applied to `forwardFeatures`' output. */
  abstract forwardHead(features: Tensor, options?: ForwardHeadOptions): Tensor;
  /** The feature maps `forwardStages` returns, in order. */
  abstract featureInfo(): FeatureInfo[];
  /** One feature map per stage (see `featureInfo()`), for detection or segmentation heads. */
  abstract forwardStages(x: Tensor): Tensor[];
  /**
   * Replaces the classifier with a freshly initialized one of `numClasses` outputs (0 removes it) and
   * disposes the old one; timm's `reset_classifier`. `options.numClasses` follows.
   */
  abstract resetClassifier(numClasses: number, options?: { rng?: number | Rng }): void;
  /**
   * The resolved options (architecture and options, defaults filled in, JSON-safe): `toConfig()` returns
   * a copy and `createModel(model.toConfig())` rebuilds the model from it.
   */
  abstract override readonly options: ResolvedModelOptions;

  /**
   * Linear layers that follow the flattening of an `[H, W, C]` feature map, by dotted module name.
   * convkit flattens NHWC maps in (h, w, c) order, PyTorch its NCHW maps in (c, h, w) order:
   * `loadTorchWeights` and `exportTorchWeights` permute these layers' input rows.
   */
  torchFlattenShapes(): Record<string, [number, number, number]> {
    return {};
  }

  forward(x: Tensor): Tensor {
    return this.forwardHead(this.forwardFeatures(x));
  }

  /** The classifier module (`Identity` when there is none). */
  getClassifier(): Module {
    const found = this.namedModules().find(([name]) => name === this.classifierName);
    if (!found) throw new Error(`${this.className}: no classifier at '${this.classifierName}'`);
    return found[1];
  }

  /**
   * Puts a copy of the Sequential child `name` with its last layer replaced by `last` in its place
   * (the other layers move over; the old last layer is disposed). For `resetClassifier`.
   */
  protected replaceLastLayer(name: string, container: Sequential, last: Module): Sequential {
    const layers = [...container];
    const next = new Sequential(...layers.slice(0, -1), last);
    this.replaceModule(name, next);
    layers[layers.length - 1].dispose();
    return next;
  }
}

/** Runs a Sequential on `x` and returns the outputs of the children at `indices`, in order. */
export function sequentialStages(features: Sequential, x: Tensor, indices: Set<number>): Tensor[] {
  return tidy(() => {
    const out: Tensor[] = [];
    let y = x;
    [...features].forEach((layer, i) => {
      y = layer.call(y);
      if (indices.has(i)) out.push(y);
    });
    return out;
  });
}
