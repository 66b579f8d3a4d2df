export * from './diagnostics';
export { computeFans, type Fans, fanInBiasBound } from './fans';
export { calculateGain, NONLINEARITIES, type Nonlinearity } from './gain';
export { type ConstantOptions, constant, ones, zeros } from './initializers/constant';
export type { FanOverride } from './initializers/fan-options';
export { type FanMode, type KaimingOptions, kaimingNormal, kaimingUniform } from './initializers/kaiming';
export { type NormalOptions, normal } from './initializers/normal';
export { type OrthogonalOptions, orthogonal } from './initializers/orthogonal';
export { type TruncatedNormalOptions, truncatedNormal } from './initializers/truncated-normal';
export type { Initializer } from './initializers/types';
export { type UniformOptions, uniform } from './initializers/uniform';
export { type XavierOptions, xavierNormal, xavierUniform } from './initializers/xavier';
export {
  createInitializerRegistry,
  getInitializer,
  INITIALIZERS,
  type InitializerName,
  type InitializerOptions,
  InitializerRegistry,
  type InitializerSpec,
  resolveInitializer,
} from './registry';
