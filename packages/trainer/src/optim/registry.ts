import { Registry } from '../registry';
import { Adam } from './adam';
import { AdamW } from './adamw';
import type { GroupOptions, Optimizer } from './optimizer';
import type { OptimizerParams } from './params';
import { RMSprop } from './rmsprop';
import { SGD } from './sgd';

/** An optimizer class: built with `new Cls(params, options)`, named by its static `className`. */
export type OptimizerClass = (new (
  params: never,
  options: never,
) => Optimizer) & { readonly className?: string };

/** convkit's optimizers, each registered under its static className. */
const OPTIMIZERS: OptimizerClass[] = [SGD, Adam, AdamW, RMSprop];

/**
 * Optimizer classes by name, for the command line and configs. `create(name, params, options)` builds
 * one; unknown names and options throw with the closest known one ("did you mean").
 *
 * @example
 * const registry = createOptimizerRegistry();
 * const opt = registry.create('AdamW', model, { lr: 3e-4, weightDecay: 0.05 });
 * registry.register(Lion); // your own, under Lion.className
 */
export class OptimizerRegistry extends Registry<OptimizerClass> {
  constructor() {
    super('optimizer');
  }

  /** The optimizer registered as `name`, built on `params` with `options`. */
  create(
    name: string,
    params: OptimizerParams<GroupOptions>,
    options: Record<string, unknown> = {},
  ): Optimizer {
    const Cls = this.get(name);
    return new Cls(params as never, options as never);
  }
}

/**
 * Registers convkit's optimizers (`SGD`, `Adam`, `AdamW`, `RMSprop`) in `registry` (nothing registers
 * on import). Returns the registry.
 */
export function registerOptimizers(registry: OptimizerRegistry): OptimizerRegistry {
  for (const cls of OPTIMIZERS) registry.register(cls);
  return registry;
}

/** A new registry holding convkit's optimizers. */
export function createOptimizerRegistry(): OptimizerRegistry {
  return registerOptimizers(new OptimizerRegistry());
}
