import { describeEachBackend } from '@convkit/backend/testing';
import { it } from 'vitest';
import { layerChecks, type TestLayerSpec } from './layer-checks';

export type { TestLayerSpec } from './layer-checks';

/**
 * Registers a conformance suite for one layer configuration on every backend
 * (`describeEachBackend`): output shape, parameter count, train/eval behaviour, gradient flow to
 * every trainable parameter and to the input (finite, non-zero; checked against central
 * differences on cpu), state-dict and config round trips, and no tensor leak over repeated
 * forward/backward.
 *
 * The loss used for gradients is `Σ y·r` with a fixed random `r` (a plain `Σ y` would hide
 * layers whose outputs sum to a constant, such as softmax).
 *
 * @example
 * testLayer({
 *   name: 'Conv2d 3→8 k3',
 *   make: (rng) => new Conv2d({ inChannels: 3, outChannels: 8, kernelSize: 3, rng }),
 *   inputShape: [2, 6, 6, 3],
 *   expectedOutputShape: [2, 4, 4, 8],
 *   expectedParams: 3 * 3 * 3 * 8 + 8,
 * });
 */
export function testLayer(spec: TestLayerSpec): void {
  describeEachBackend(spec.name, (backend) => {
    for (const check of layerChecks) {
      const runs = check.only?.(spec, backend) ?? true;
      const why = runs ? '' : ` (skipped: ${check.skipReason?.(spec, backend) ?? `not run on ${backend}`})`;
      it.skipIf(!runs)(`${check.title(spec)}${why}`, () => check.run(spec, backend));
    }
  });
}
