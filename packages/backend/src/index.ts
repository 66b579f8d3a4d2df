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
export { type CheckNumberOptions, checkNumber, checkPositiveInt, checkProbability } from './checks';
export { convkitGradients, registerGradients } from './gradients';
export type { BackendReport, InitBackendOptions } from './init-backend';
export { currentBackend, formatReport, initBackend } from './init-backend';
export {
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
  wasmKernels,
  webgpuKernels,
} from './kernels';
export { countLaunches } from './launches';
export { Rng, toRng } from './random';
