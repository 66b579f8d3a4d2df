export { BatchNorm, BatchNorm1d, BatchNorm2d, type BatchNormOptions } from './batch-norm';
export { type CreateNormOptions, createNorm, type NormName, normNames } from './create-norm';
export { GroupNorm, type GroupNormOptions } from './group-norm';
export { InstanceNorm2d, type InstanceNormOptions } from './instance-norm';
export { LayerNorm, LayerNorm2d, type LayerNorm2dOptions, type LayerNormOptions } from './layer-norm';
export {
  type FusedNormalization,
  fusedNormalize,
  fusedNormalizeWith,
  hasFusedNormalize,
  normView,
} from './ops/fused';
export { type Moments, moments, normalizeWith } from './ops/moments';
export { type NormalizeOptions, normalize } from './ops/normalize';
export { meanOver } from './ops/reduce';
export { type RunningStats, updateRunningStats, updateRunningStatsFused } from './ops/running-stats';
export { registerNorms } from './registry';
export { RunningNorm, type RunningNormOptions } from './running-norm';
