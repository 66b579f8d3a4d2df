// Test utilities for layers: `testLayer` (a conformance suite run on every backend), its checks
// one by one, and tensor assertions. Imports vitest: use from test files only.

export { expectClose, maxAbsDiff, type Tolerance } from './testing/assert';
export {
  type KernelCoverage,
  type KernelCoverageCase,
  type KernelCoverageSpec,
  type KernelUsage,
  kernelUsage,
  layerKernelUsage,
  type Taped,
  testKernelCoverage,
} from './testing/coverage';
export { type LayerCheck, layerChecks, type TestLayerSpec } from './testing/layer-checks';
export { testLayer } from './testing/test-layer';
