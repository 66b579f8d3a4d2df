export { AlphaDropout, type AlphaDropoutOptions } from './alpha-dropout';
export { DropPath, type DropPathOptions } from './drop-path';
export { Dropout, type DropoutOptions, type DropoutScaling } from './dropout';
export { labelSmoothingCrossEntropy } from './label-smoothing';
export { registerRegularization } from './registry';
export { SpatialDropout2d, type SpatialDropout2dOptions } from './spatial-dropout';
export {
  applyWeightDecay,
  type ParamGroup,
  type ParamGroupsOptions,
  paramGroups,
  type WeightDecayOptions,
} from './weight-decay';
