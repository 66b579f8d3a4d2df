import type { LayerClass, ModuleRegistry } from '@convkit/core';
import { ALEXNET } from './alexnet';
import { MNIST_CNN } from './mnist-cnn';
import { type ModelFamily, ModelRegistry } from './registry';
import { RESNET } from './resnet';
import { BasicBlock, Bottleneck } from './resnet-blocks';
import { VGG_FAMILY } from './vgg';

/**
 * The zoo's families, one per file. A new family is one file exporting a `ModelFamily` and one line
 * here; a new configuration of a family is one entry in its file's `models` list (see CONTRIBUTING.md).
 */
export const ZOO_FAMILIES: readonly ModelFamily[] = [ALEXNET, VGG_FAMILY, RESNET, MNIST_CNN];

/**
 * A new registry holding `families` (default: every zoo family); register more with `register` /
 * `registerFamily`.
 *
 * @example
 * const registry = createModelRegistry();
 * registry.list('resnet*');
 */
export function createModelRegistry(families: readonly ModelFamily[] = ZOO_FAMILIES): ModelRegistry {
  const registry = new ModelRegistry();
  for (const family of families) registry.registerFamily(family);
  return registry;
}

// The package's module classes that are not a family's architecture, each under its static className.
const BLOCKS: LayerClass[] = [BasicBlock, Bottleneck];

/**
 * Registers this package's module classes (every family's architecture and the ResNet blocks) in a core
 * `ModuleRegistry` (nothing registers on import), so that `registry.fromConfig(config)` rebuilds zoo models
 * and blocks, also inside your own containers. Returns the registry.
 *
 * @example
 * const registry = registerModels(registerRegularization(registerNorms(coreModules())));
 * const net = registry.fromConfig(new Sequential(createModel('resnet18'), new Softmax()).toConfig());
 */
export function registerModels(registry: ModuleRegistry): ModuleRegistry {
  for (const family of ZOO_FAMILIES) registry.register(family.architecture);
  for (const cls of BLOCKS) registry.register(cls);
  return registry;
}
