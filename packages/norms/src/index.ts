export { BatchNorm, BatchNorm1d, BatchNorm2d, type BatchNormOptions } from './batch-norm';
export { type CreateNormOptions, createNorm, type NormName, normNames } from './create-norm';
export {
  type FusedNormalization,
  fusedNormalize,
  fusedNormalizeWith,
  hasFusedNormalize,
  normView,
} from './fused';
export { GroupNorm, type GroupNormOptions } from './group-norm';
export { InstanceNorm2d, type InstanceNormOptions } from './instance-norm';
export { LayerNorm, LayerNorm2d, type LayerNorm2dOptions, type LayerNormOptions } from './layer-norm';
export {
  type Moments,
  moments,
  type NormalizeOptions,
  normalize,
  normalizeWith,
} from './moments';
export { meanOver } from './reduce';
export { registerNorms } from './registry';
export { RunningNorm, type RunningNormOptions } from './running-norm';
export { type RunningStats, updateRunningStats, updateRunningStatsFused } from './running-stats';
