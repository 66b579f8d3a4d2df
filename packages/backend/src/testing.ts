// Test utilities for convkit packages and for users' own layers/backends.

export { type GradCheckOptions, type GradCheckResult, gradCheck } from './gradients/gradcheck';
export { describeEachBackend, requiredBackends, testBackends } from './testing/backends';
export {
  type ConformanceCase,
  type ConformanceOptions,
  conformanceCases,
  runConformanceSuite,
} from './testing/conformance';
export {
  SKIPPED_BACKEND_META,
  type SkippedBackendMeta,
  SkippedBackendsReporter,
  skippedBackendLines,
} from './testing/skip-report';
