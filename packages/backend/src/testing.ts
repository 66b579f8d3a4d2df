// Test utilities for convkit packages and for users' own layers/backends.
export { describeEachBackend, requiredBackends, testBackends } from './testing/backends';
