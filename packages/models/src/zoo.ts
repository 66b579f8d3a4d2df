import { ALEXNET } from './alexnet';
import { MNIST_CNN } from './mnist-cnn';
import { type ModelFamily, ModelRegistry } from './registry';
import { RESNET } from './resnet';
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
