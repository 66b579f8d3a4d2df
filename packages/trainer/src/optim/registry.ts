import { Registry } from '../registry';
import { Adam, type AdamOptions } from './adam';
import { AdamW } from './adamw';
import type { GroupOptions, Optimizer } from './optimizer';
import type { OptimizerParams } from './params';
import { RMSprop, type RmspropOptions } from './rmsprop';
import { SGD, type SgdOptions } from './sgd';

/** Builds an optimizer from parameters and options (as the command line passes them). */
export type OptimizerFactory = (
  params: OptimizerParams<GroupOptions>,
  options?: Record<string, unknown>,
) => Optimizer;

/**
 * Optimizers by name, for the command line and configs. `create(name, params, options)` builds one;
 * unknown names and options throw with the closest known one ("did you mean").
 *
 * @example
 * const registry = createOptimizerRegistry();
 * const opt = registry.create('adamw', model, { lr: 3e-4, weightDecay: 0.05 });
 * registry.register('lion', (params, options) => new Lion(params, options)); // your own
 */
export class OptimizerRegistry extends Registry<OptimizerFactory> {
  constructor() {
    super('optimizer');
  }

  /** The optimizer registered as `name`, built on `params` with `options`. */
  create(
    name: string,
    params: OptimizerParams<GroupOptions>,
    options: Record<string, unknown> = {},
  ): Optimizer {
    return this.get(name)(params, options);
  }
}

/** A new registry holding convkit's optimizers: `sgd`, `adam`, `adamw`, `rmsprop`. */
export function createOptimizerRegistry(): OptimizerRegistry {
  const as = <O>(options: Record<string, unknown> | undefined) => (options ?? {}) as O;
  return new OptimizerRegistry()
    .register('sgd', (params, options) => new SGD(params as never, as<SgdOptions>(options)))
    .register('adam', (params, options) => new Adam(params as never, as<AdamOptions>(options)))
    .register('adamw', (params, options) => new AdamW(params as never, as<AdamOptions>(options)))
    .register('rmsprop', (params, options) => new RMSprop(params as never, as<RmspropOptions>(options)));
}
