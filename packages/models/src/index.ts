import type { ModuleConfig } from '@convkit/core';
import type { ModelOptions, ZooModel } from './model';
import type { ModelEntry, ModelInfo } from './registry';
import { createModelRegistry } from './zoo';

export { ALEXNET, AlexNet, type AlexNetConfig, alexnet, type ResolvedAlexNetConfig } from './alexnet';
export { CIFAR10, IMAGENET, MNIST } from './cfgs';
export { MNIST_CNN, MnistCnn, type MnistCnnConfig, mnistCnn, type ResolvedMnistCnnConfig } from './mnist-cnn';
export {
  type ActivationName,
  activationNames,
  createActivation,
  type FeatureInfo,
  type ForwardHeadOptions,
  type ModelOptions,
  ZooModel,
} from './model';
export {
  type ModelCfg,
  type ModelClass,
  type ModelEntry,
  type ModelFamily,
  type ModelInfo,
  type ModelPaper,
  ModelRegistry,
  type ModelTestCfg,
} from './registry';
export {
  RESNET,
  ResNet,
  type ResNetArch,
  type ResNetConfig,
  type ResNetOptions,
  type ResolvedResNetConfig,
  resNet,
  resnet18,
  resnet18_cifar,
  resnet18_mnist,
  resnet20_cifar,
  resnet20_mnist,
  resnet34,
  resnet34_cifar,
  resnet50,
  resnet50_cifar,
  resnet56_cifar,
  resnet101,
  resnet152,
  resnext50_32x4d,
  wide_resnet50_2,
} from './resnet';
export {
  BasicBlock,
  Bottleneck,
  type ResNetBlockOptions,
  type ResolvedResNetBlockOptions,
} from './resnet-blocks';
export {
  type ResolvedVGGConfig,
  VGG,
  VGG_FAMILY,
  type VGGConfig,
  type VGGLayers,
  vgg,
  vgg11,
  vgg11_bn,
  vgg13,
  vgg13_bn,
  vgg16,
  vgg16_bn,
  vgg19,
  vgg19_bn,
} from './vgg';
export { createModelRegistry, registerModels, ZOO_FAMILIES } from './zoo';

/** The package's registry, holding every zoo model (filled here, explicitly; nothing else registers on import). */
export const modelRegistry = /* @__PURE__ */ createModelRegistry();

/**
 * Builds a zoo model by name with fresh weights, options overriding its defaults; or rebuilds one from
 * its `toConfig()`. Unknown names throw with the closest known ones.
 *
 * @example
 * const model = createModel('resnet18', { numClasses: 10 });
 * const copy = createModel(model.toConfig()); // same architecture, fresh weights
 */
export function createModel(name: string, options?: ModelOptions & Record<string, unknown>): ZooModel;
export function createModel(config: ModuleConfig): ZooModel;
export function createModel(
  nameOrConfig: string | ModuleConfig,
  options?: ModelOptions & Record<string, unknown>,
): ZooModel {
  return typeof nameOrConfig === 'string'
    ? modelRegistry.create(nameOrConfig, options)
    : modelRegistry.create(nameOrConfig);
}

/**
 * Registered model names, sorted; with a glob (`'resnet*'`, `'*_cifar'`, `'vgg1[13]*'`) or a list of
 * globs, the matching ones.
 *
 * @example
 * listModels('vgg*_bn'); // ['vgg11_bn', 'vgg13_bn', 'vgg16_bn', 'vgg19_bn']
 */
export function listModels(pattern?: string | string[]): string[] {
  return modelRegistry.list(pattern);
}

/**
 * What the zoo declares about a model: default input size and channels, mean/std, classes, parameter
 * count, MACs at the default input, paper, torchvision builder.
 *
 * @example
 * modelInfo('resnet50').params; // 25557032
 */
export function modelInfo(name: string): ModelInfo {
  return modelRegistry.info(name);
}

/** Adds a model to the package's registry (`modelRegistry`); throws if the name is taken. */
export function registerModel(entry: ModelEntry): void {
  modelRegistry.register(entry);
}
export {
  loadSafetensors,
  parseSafetensors,
  readSafetensors,
  type SafetensorsDtype,
  type SafetensorsEntry,
  SafetensorsFile,
  type SafetensorsSource,
  saveSafetensors,
} from './safetensors';
export { formatCount, formatSummary, type LayerSummary, type ModelSummary, summary } from './summary';
export {
  exportTorchWeights,
  type LoadTorchWeightsOptions,
  type LoadTorchWeightsResult,
  loadTorchWeights,
  torchKeyNames,
} from './torch-weights';
export {
  type BackboneHeadGroupsOptions,
  backboneHeadGroups,
  type FreezeNormsOptions,
  type FreezeOptions,
  freeze,
  freezeNorms,
  type ParamGroupSpec,
  resetClassifier,
  type UnfreezeOptions,
  unfreeze,
} from './transfer';
