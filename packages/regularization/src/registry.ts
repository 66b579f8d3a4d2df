import type { LayerClass, ModuleRegistry } from '@convkit/core';
import { AlphaDropout } from './alpha-dropout';
import { DropPath } from './drop-path';
import { Dropout } from './dropout';
import { SpatialDropout2d } from './spatial-dropout';

const REGULARIZATION_LAYERS: [string, LayerClass][] = [
  ['Dropout', Dropout],
  ['SpatialDropout2d', SpatialDropout2d],
  ['DropPath', DropPath],
  ['AlphaDropout', AlphaDropout],
];

/**
 * Registers this package's layers (Dropout, SpatialDropout2d, DropPath, AlphaDropout) in `registry`
 * (nothing registers on import). Returns the registry.
 *
 * @example
 * const registry = registerRegularization(coreModules());
 */
export function registerRegularization(registry: ModuleRegistry): ModuleRegistry {
  for (const [name, cls] of REGULARIZATION_LAYERS) registry.register(name, cls);
  return registry;
}
