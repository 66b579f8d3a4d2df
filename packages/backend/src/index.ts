export type {
  Availability,
  Backend,
  BackendCapabilities,
  BackendInitOptions,
  WasmCapabilities,
  WebGpuCapabilities,
} from './backend';
export { BackendRegistry, createBackendRegistry } from './backend';
export {
  backends,
  builtinBackends,
  cpuBackend,
  MissingPackageError,
  wasmBackend,
  webgpuBackend,
} from './backends';
export { BRAND, hasBrand } from './brand';
export {
  type CheckNumberOptions,
  checkNumber,
  checkOneOf,
  checkOptions,
  checkPositiveInt,
  checkProbability,
  checkSeed,
  editDistance,
} from './checks';
export { convkitGradients, registerGradients } from './gradients';
export type { BackendReport, InitBackendOptions } from './init-backend';
export { currentBackend, formatReport, initBackend } from './init-backend';
export {
  AdamUpdate,
  type AdamUpdateAttrs,
  conv2DBackpropFilterKernel,
  conv2DBackpropInputKernel,
  cpuKernels,
  depthwiseConv2dNativeBackpropFilterKernel,
  depthwiseConv2dNativeBackpropInputKernel,
  NormApply,
  NormApplyRunning,
  NormInputGrad,
  NormMoments,
  NormParamGrad,
  NormRunningUpdate,
  type NormView,
  RmspropUpdate,
  type RmspropUpdateAttrs,
  SgdUpdate,
  type SgdUpdateAttrs,
  wasmKernels,
  webgpuKernels,
} from './kernels';
export { countLaunches } from './launches';
export { isRng, Rng, type RngState, toRng } from './random';
export { canReadSync, readsSync } from './sync-read';
export { tapeGradients } from './tape-gradients';
