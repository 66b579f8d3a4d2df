// Test utilities for layers: `testLayer` (a conformance suite run on every backend) and its checks one
// by one. Imports vitest: use from test files only.
import * as backendTesting from '@convkit/backend/testing';

export { type LayerCheck, layerChecks, type TestLayerSpec } from './testing/layer-checks';
export { testLayer } from './testing/test-layer';

// Moved to @convkit/backend/testing (they are about tensors and kernels, not layers). These aliases
// stay for one release.

/** @deprecated Import `expectClose` from `@convkit/backend/testing`. */
export const expectClose = backendTesting.expectClose;
/** @deprecated Import `maxAbsDiff` from `@convkit/backend/testing`. */
export const maxAbsDiff = backendTesting.maxAbsDiff;
/** @deprecated Import `Tolerance` from `@convkit/backend/testing`. */
export type Tolerance = backendTesting.Tolerance;
/** @deprecated Import `testKernelCoverage` from `@convkit/backend/testing`. */
export const testKernelCoverage = backendTesting.testKernelCoverage;
/** @deprecated Import `kernelUsage` from `@convkit/backend/testing`. */
export const kernelUsage = backendTesting.kernelUsage;
/** @deprecated Import `layerKernelUsage` from `@convkit/backend/testing`. */
export const layerKernelUsage = backendTesting.layerKernelUsage;
/** @deprecated Import `KernelCoverage` from `@convkit/backend/testing`. */
export type KernelCoverage = backendTesting.KernelCoverage;
/** @deprecated Import `KernelCoverageCase` from `@convkit/backend/testing`. */
export type KernelCoverageCase = backendTesting.KernelCoverageCase;
/** @deprecated Import `KernelCoverageSpec` from `@convkit/backend/testing`. */
export type KernelCoverageSpec = backendTesting.KernelCoverageSpec;
/** @deprecated Import `KernelUsage` from `@convkit/backend/testing`. */
export type KernelUsage = backendTesting.KernelUsage;
/** @deprecated Import `Taped` from `@convkit/backend/testing`. */
export type Taped = backendTesting.Taped;
