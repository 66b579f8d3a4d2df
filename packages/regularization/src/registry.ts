import type { LayerClass, ModuleRegistry } from '@convkit/core';
import { AlphaDropout } from './alpha-dropout';
import { DropPath } from './drop-path';
import { Dropout } from './dropout';
import { SpatialDropout2d } from './spatial-dropout';

// This package's layers, each registered under its static className.
const REGULARIZATION_LAYERS: LayerClass[] = [Dropout, SpatialDropout2d, DropPath, AlphaDropout];

/**
 * Registers this package's layers (Dropout, SpatialDropout2d, DropPath, AlphaDropout) in `registry`
 * (nothing registers on import). Returns the registry.
 *
 * @example
 * const registry = registerRegularization(coreModules());
 */
export function registerRegularization(registry: ModuleRegistry): ModuleRegistry {
  for (const cls of REGULARIZATION_LAYERS) registry.register(cls);
  return registry;
}
