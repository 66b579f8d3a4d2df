import type { LayerClass, ModuleRegistry } from '@convkit/core';
import { BatchNorm, BatchNorm1d, BatchNorm2d } from './batch-norm';
import { GroupNorm } from './group-norm';
import { InstanceNorm2d } from './instance-norm';
import { LayerNorm, LayerNorm2d } from './layer-norm';

// This package's layers, each registered under its static className.
const NORM_LAYERS: LayerClass[] = [
  BatchNorm,
  BatchNorm1d,
  BatchNorm2d,
  LayerNorm,
  LayerNorm2d,
  InstanceNorm2d,
  GroupNorm,
];

/**
 * Registers every norm class of this package in `registry` (nothing registers on import), so that
 * `registry.fromConfig(model.toConfig())` can rebuild models that contain norms. Returns the registry.
 *
 * @example
 * const registry = registerNorms(coreModules());
 */
export function registerNorms(registry: ModuleRegistry): ModuleRegistry {
  for (const cls of NORM_LAYERS) registry.register(cls);
  return registry;
}
