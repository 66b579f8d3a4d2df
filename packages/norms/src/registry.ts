import type { LayerClass, ModuleRegistry } from '@convkit/core';
import { BatchNorm, BatchNorm1d, BatchNorm2d } from './batch-norm';
import { GroupNorm } from './group-norm';
import { InstanceNorm2d } from './instance-norm';
import { LayerNorm, LayerNorm2d } from './layer-norm';

const NORM_LAYERS: [string, LayerClass][] = [
  ['BatchNorm', BatchNorm],
  ['BatchNorm1d', BatchNorm1d],
  ['BatchNorm2d', BatchNorm2d],
  ['LayerNorm', LayerNorm],
  ['LayerNorm2d', LayerNorm2d],
  ['InstanceNorm2d', InstanceNorm2d],
  ['GroupNorm', GroupNorm],
];

/**
 * Registers every norm class of this package in `registry` (nothing registers on import), so that
 * `registry.fromConfig(model.toConfig())` can rebuild models that contain norms. Returns the registry.
 *
 * @example
 * const registry = registerNorms(coreModules());
 */
export function registerNorms(registry: ModuleRegistry): ModuleRegistry {
  for (const [name, cls] of NORM_LAYERS) registry.register(name, cls);
  return registry;
}
