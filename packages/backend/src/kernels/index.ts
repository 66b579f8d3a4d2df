import type { KernelConfig } from '@tensorflow/tfjs-core';
import { conv2DBackpropFilterKernel } from './Conv2DBackpropFilter';
import { conv2DBackpropInputKernel } from './Conv2DBackpropInput';
import { depthwiseConv2dNativeBackpropFilterKernel } from './DepthwiseConv2dNativeBackpropFilter';
import { depthwiseConv2dNativeBackpropInputKernel } from './DepthwiseConv2dNativeBackpropInput';
import { maxPoolGradKernel } from './MaxPoolGrad';
import { normApplyKernel } from './NormApply';
import { normApplyRunningKernel } from './NormApplyRunning';
import { normInputGradKernel } from './NormInputGrad';
import { normMomentsKernel } from './NormMoments';
import { normParamGradKernel } from './NormParamGrad';
import { normRunningUpdateKernel } from './NormRunningUpdate';
import { unsortedSegmentSumKernel } from './UnsortedSegmentSum';

// The registration lists: one line per kernel and backend. A kernel is one file named after it,
// exporting `<kernelName>Kernel(backendName): KernelConfig`; the backend records in ../backends take
// these lists, and `initBackend` registers them. Why each backend gets what it gets is measured in
// bench/RESULTS.md and bench/RESULTS-gpu.md (bench/kernels.ts, bench/kernels-webgpu.ts).

/**
 * convkit kernels for cpu. tfjs-backend-cpu has every training kernel, but its filter gradients are
 * element-by-element loops, far slower than cpu's own Conv2D (im2col + matmul) that these run on; the
 * depthwise backprops also honour dilations, which tfjs's ignore.
 */
export const cpuKernels: KernelConfig[] = [
  conv2DBackpropFilterKernel('cpu'),
  depthwiseConv2dNativeBackpropFilterKernel('cpu'),
  depthwiseConv2dNativeBackpropInputKernel('cpu'),
];

/**
 * convkit kernels for wasm: tfjs 4.22 has no Conv2DBackpropFilter, no depthwise backprops and no
 * UnsortedSegmentSum (gather's gradient), its Conv2DBackpropInput is a naive loop, and its MaxPoolGrad
 * sends the gradient of a window whose maximum is negative to the window's first element. All conv
 * backprops run through XNNPACK's forward convolution.
 */
export const wasmKernels: KernelConfig[] = [
  conv2DBackpropFilterKernel('wasm'),
  conv2DBackpropInputKernel('wasm'),
  depthwiseConv2dNativeBackpropFilterKernel('wasm'),
  depthwiseConv2dNativeBackpropInputKernel('wasm'),
  maxPoolGradKernel('wasm'),
  unsortedSegmentSumKernel('wasm'),
];

/**
 * convkit kernels for webgpu. tfjs-backend-webgpu has every training kernel, but on a real GPU its
 * filter gradients are slower than these forward-conv formulations, and its depthwise backprops ignore
 * dilations; its Conv2DBackpropInput is about as fast as ours, so it is kept. Plus the fused
 * normalization kernels that @convkit/norms uses (`Norm*.ts`).
 */
export const webgpuKernels: KernelConfig[] = [
  conv2DBackpropFilterKernel('webgpu'),
  depthwiseConv2dNativeBackpropFilterKernel('webgpu'),
  depthwiseConv2dNativeBackpropInputKernel('webgpu'),
  normMomentsKernel('webgpu'),
  normApplyKernel('webgpu'),
  normInputGradKernel('webgpu'),
  normParamGradKernel('webgpu'),
  normRunningUpdateKernel('webgpu'),
  normApplyRunningKernel('webgpu'),
];

export { conv2DBackpropFilterKernel, conv2dFilterGrad } from './Conv2DBackpropFilter';
export { conv2DBackpropInputKernel, conv2dInputGrad } from './Conv2DBackpropInput';
export {
  depthwiseConv2dNativeBackpropFilterKernel,
  depthwiseFilterGrad,
} from './DepthwiseConv2dNativeBackpropFilter';
export {
  depthwiseConv2dNativeBackpropInputKernel,
  depthwiseInputGrad,
} from './DepthwiseConv2dNativeBackpropInput';
export { maxPoolGradKernel } from './MaxPoolGrad';
export { NormApply, normApplyKernel } from './NormApply';
export { NormApplyRunning, normApplyRunningKernel } from './NormApplyRunning';
export { NormInputGrad, normInputGradKernel } from './NormInputGrad';
export { NormMoments, normMomentsKernel } from './NormMoments';
export { NormParamGrad, normParamGradKernel } from './NormParamGrad';
export { NormRunningUpdate, normRunningUpdateKernel } from './NormRunningUpdate';
export type { NormView } from './norm-program';
export { backendRunner, engineRunner, type KernelRunner } from './runner';
export { unsortedSegmentSumKernel } from './UnsortedSegmentSum';
