export { type ClipGradNormOptions, type ClippedGrads, clipGradNorm, clipGradValue } from './clip';
export { closestName, didYouMean } from './did-you-mean';
export { type AdamMoments, type AdamUpdateConfig, adamUpdate } from './ops/adam-update';
export { type RmspropBuffers, type RmspropUpdateConfig, rmspropUpdate } from './ops/rmsprop-update';
export { type SgdUpdateConfig, sgdUpdate } from './ops/sgd-update';
export { Adam, AdamFamily, type AdamGroupOptions, type AdamOptions, type AdamState } from './optim/adam';
export { AdamW } from './optim/adamw';
export {
  type GroupOptions,
  type LoadOptimizerStateOptions,
  Optimizer,
  type OptimizerStateDict,
  type ParamGroup,
  type ParamState,
  type SavedParamGroup,
  type StateSpec,
} from './optim/optimizer';
export {
  type NamedParameter,
  namedParameters,
  type OptimizerParams,
  type ParamGroupInput,
  type ParamSource,
} from './optim/params';
export { createOptimizerRegistry, type OptimizerFactory, OptimizerRegistry } from './optim/registry';
export { RMSprop, type RmspropGroupOptions, type RmspropOptions, type RmspropState } from './optim/rmsprop';
export { SGD, type SgdGroupOptions, type SgdOptions, type SgdState } from './optim/sgd';
export { Registry } from './registry';
export { joinTensors, type NumberRef, type SplitState, splitTensors, type TensorRef } from './state';
