import type { KernelConfig } from '@tensorflow/tfjs-core';
import { adamUpdateWebgpu } from './AdamUpdate';
import { conv2DBackpropFilterKernel } from './Conv2DBackpropFilter';
import { conv2DBackpropInputKernel } from './Conv2DBackpropInput';
import { depthwiseConv2dNativeBackpropFilterKernel } from './DepthwiseConv2dNativeBackpropFilter';
import { depthwiseConv2dNativeBackpropInputKernel } from './DepthwiseConv2dNativeBackpropInput';
import { wasmMaxPoolGrad } from './MaxPoolGrad';
import { normalizeWebgpuKernels } from './normalize-webgpu';
import { rmspropUpdateWebgpu } from './RmspropUpdate';
import { sgdUpdateWebgpu } from './SgdUpdate';
import { wasmUnsortedSegmentSum } from './UnsortedSegmentSum';

export { AdamUpdate, type AdamUpdateAttrs } from './AdamUpdate';
export { conv2dFilterGrad, conv2dInputGrad, depthwiseFilterGrad, depthwiseInputGrad } from './conv-backprop';
export {
  NormApply,
  NormApplyRunning,
  NormInputGrad,
  NormMoments,
  NormParamGrad,
  NormRunningUpdate,
  type NormView,
  normalizeWebgpuKernels,
} from './normalize-webgpu';
export { RmspropUpdate, type RmspropUpdateAttrs } from './RmspropUpdate';
export { backendRunner, engineRunner, type KernelRunner } from './runner';
export { SgdUpdate, type SgdUpdateAttrs } from './SgdUpdate';
export {
  conv2DBackpropFilterKernel,
  conv2DBackpropInputKernel,
  depthwiseConv2dNativeBackpropFilterKernel,
  depthwiseConv2dNativeBackpropInputKernel,
  wasmMaxPoolGrad,
  wasmUnsortedSegmentSum,
};

/**
 * convkit kernels for cpu. tfjs-backend-cpu has every training kernel, but its filter gradients are
 * element-by-element loops: on 8×16×16×32→64 (3×3) Conv2DBackpropFilter took 10–20 s against
 * 0.2–0.5 s through cpu's own Conv2D (im2col + matmul); the depthwise backprops are 1.2–10× faster
 * this way and honour dilations, which tfjs's ignore. (`bench-kernels.ts`)
 */
export const cpuKernels: KernelConfig[] = [
  conv2DBackpropFilterKernel('cpu'),
  depthwiseConv2dNativeBackpropFilterKernel('cpu'),
  depthwiseConv2dNativeBackpropInputKernel('cpu'),
];

/**
 * convkit kernels for wasm: tfjs 4.22 has no Conv2DBackpropFilter, no depthwise backprops and no
 * UnsortedSegmentSum (gather's gradient), its Conv2DBackpropInput is a naive loop (2–9× slower
 * than this one on 8×32×32×32→64), and its MaxPoolGrad sends the gradient of a window whose maximum
 * is negative to the window's first element. All conv backprops run through XNNPACK's forward
 * convolution.
 */
export const wasmKernels: KernelConfig[] = [
  conv2DBackpropFilterKernel('wasm'),
  conv2DBackpropInputKernel('wasm'),
  depthwiseConv2dNativeBackpropFilterKernel('wasm'),
  depthwiseConv2dNativeBackpropInputKernel('wasm'),
  wasmMaxPoolGrad,
  wasmUnsortedSegmentSum,
];

/**
 * convkit kernels for webgpu. tfjs-backend-webgpu has every training kernel, but on an H200 (Dawn,
 * Vulkan; batch 32) its filter gradients ran 3–21× slower than these forward-conv formulations
 * (3×3 32×32×64→64: 13–15 → 2.4 ms; depthwise 56×56×32: 23–29 → 1.3 ms), and its depthwise
 * backprops ignore dilations. Its Conv2DBackpropInput is about as fast as ours: kept.
 * (`bench-webgpu.ts`; on software WebGPU — llvmpipe, batch 1 — tfjs's filter gradients are faster.)
 * Plus the fused normalization kernels that @convkit/norms uses (`normalize-webgpu.ts`), which cut the
 * 38 launches of a composed BatchNorm2d training step to 7. And the fused optimizer updates that
 * @convkit/trainer uses (SGD, Adam/AdamW, RMSprop): one launch per parameter per step, writing the
 * parameter and its state in place (`in-place-program.ts`), where the composed ops launch 5–13.
 */
export const webgpuKernels: KernelConfig[] = [
  conv2DBackpropFilterKernel('webgpu'),
  depthwiseConv2dNativeBackpropFilterKernel('webgpu'),
  depthwiseConv2dNativeBackpropInputKernel('webgpu'),
  ...normalizeWebgpuKernels,
  sgdUpdateWebgpu,
  adamUpdateWebgpu,
  rmspropUpdateWebgpu,
];
