export { ELU, type ELUOptions } from './activations/elu';
export { GELU, type GELUOptions } from './activations/gelu';
export { LeakyReLU, type LeakyReLUOptions } from './activations/leaky-relu';
export { ReLU } from './activations/relu';
export { Sigmoid } from './activations/sigmoid';
export { SiLU } from './activations/silu';
export { Softmax, type SoftmaxOptions } from './activations/softmax';
export { Tanh } from './activations/tanh';
export { checkFeatures, checkImage } from './checks';
export {
  AdaptiveAvgPool2d,
  type AdaptiveAvgPool2dOptions,
  GlobalAvgPool2d,
} from './layers/adaptive-avg-pool2d';
export { AvgPool2d, type AvgPool2dOptions } from './layers/avg-pool2d';
export { Conv2d, type Conv2dOptions } from './layers/conv2d';
export { Flatten, type FlattenOptions } from './layers/flatten';
export { type ChannelAffine, foldNorms, isChannelAffine } from './layers/fold';
export { convNormAct, type FoldsNorms, foldedConvNorm } from './layers/fold-call';
export { Identity } from './layers/identity';
export { Linear, type LinearOptions } from './layers/linear';
export { MaxPool2d, type MaxPool2dOptions } from './layers/max-pool2d';
export { defaultRng, layerRng, seedConfig } from './layers/options';
export type { Pool2dLayerOptions } from './layers/pool-options';
export { Residual } from './layers/residual';
export { type BuildModule, Sequential } from './layers/sequential';
export { type CrossEntropyOptions, crossEntropy } from './losses';
export {
  declaresNoWeightDecay,
  type LoadStateDictOptions,
  Module,
  type ModuleConfig,
  type NoWeightDecay,
} from './module';
export { type GroupedConv2dOptions, groupedConv2d } from './ops/conv2d';
export { outputLength, type Padding2d, type Pads2d, resolvePads } from './ops/padding';
export {
  type AvgPool2dOpOptions,
  adaptiveAvgPool2d,
  avgPool2d,
  type MaxPool2dOpOptions,
  maxPool2d,
  type Pool2dOptions,
  poolPads,
} from './ops/pool';
export { type ContainerClass, coreModules, type LayerClass, ModuleRegistry } from './registry';
export {
  NonFiniteError,
  sgdStep,
  type ValueAndGrads,
  type ValueAndGradsOptions,
  valueAndGrads,
  valueAndGradsAsync,
} from './step';
