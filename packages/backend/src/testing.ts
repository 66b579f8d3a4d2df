// Test utilities for convkit packages and for users' own layers/backends.

export { type GradCheckOptions, type GradCheckResult, gradCheck } from './gradients/gradcheck';
export { describeEachBackend, requiredBackends, testBackends } from './testing/backends';
export {
  type ConformanceCase,
  type ConformanceOptions,
  conformanceCases,
  conformanceTrainingStep,
  evaluateConformanceCase,
  maxScaledError,
  runConformanceSuite,
} from './testing/conformance';
