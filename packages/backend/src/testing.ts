// Test utilities for convkit packages and for users' own layers, kernels and backends. Imports vitest:
// use from test files (and scripts that run under Node with vitest installed).

export { type GradCheckOptions, type GradCheckResult, gradCheck } from './gradients/gradcheck';
export { expectClose, maxAbsDiff, type Tolerance } from './testing/assert';
export { describeEachBackend, requiredBackends, testBackends, useBackend } from './testing/backends';
export {
  type ConformanceCase,
  type ConformanceOptions,
  conformanceCases,
  conformanceTrainingStep,
  evaluateConformanceCase,
  maxScaledError,
  runConformanceSuite,
} from './testing/conformance';
export {
  type CoverageModule,
  type KernelCoverage,
  type KernelCoverageCase,
  type KernelCoverageSpec,
  type KernelUsage,
  kernelUsage,
  layerKernelUsage,
  type Taped,
  testKernelCoverage,
} from './testing/coverage';
