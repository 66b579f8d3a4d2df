import { type GradConfig, registerGradient } from '@tensorflow/tfjs-core';
import { activationGradients } from './activations';
import { arithmeticGradients } from './arithmetic';
import { convGradients } from './conv';
import { imageGradients } from './image';
import { matmulGradients } from './matmul';
import { normalizationGradients } from './normalization';
import { poolGradients } from './pool';
import { reductionGradients } from './reductions';
import { selectGradients } from './select';
import { shapeGradients } from './shape';
import { slicingGradients } from './slicing';
import { unaryGradients } from './unary';
import { zeroGradients } from './zero';

/**
 * Every gradient convkit provides, one `GradConfig` per kernel name. tfjs-core's Node bundle
 * registers none, and the ESM bundle's differ (Conv2D/depthwise refuse dilation, MirrorPad's is wrong,
 * Tile's is one slice+add per copy), so convkit always installs its own.
 */
export const convkitGradients: GradConfig[] = [
  ...convGradients,
  ...poolGradients,
  ...matmulGradients,
  ...arithmeticGradients,
  ...unaryGradients,
  ...activationGradients,
  ...reductionGradients,
  ...selectGradients,
  ...shapeGradients,
  ...slicingGradients,
  ...normalizationGradients,
  ...imageGradients,
  ...zeroGradients,
];

/**
 * Registers `convkitGradients` with tfjs-core, replacing any gradient already registered under the
 * same kernel name (e.g. by tfjs's ESM bundle). Idempotent; `initBackend` calls it. A tape records
 * its gradient when the forward op runs, so call this before the forward pass.
 *
 * @example
 * registerGradients();
 * const { value, grads } = variableGrads(() => loss(model(x), y));
 */
export function registerGradients(): void {
  for (const config of convkitGradients) registerGradient(config);
}
