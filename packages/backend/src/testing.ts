// Test utilities for convkit packages and for users' own layers/backends.
// Filled by: ./testing/backends (which backends to test on) and ./testing/conformance (kernel suite).
export {};
