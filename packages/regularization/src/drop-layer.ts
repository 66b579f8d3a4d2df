import { checkOptions, checkProbability, type Rng } from '@convkit/backend';
import { layerRng, Module, seedConfig } from '@convkit/core';

/** The options every layer of the dropout family takes. */
export interface DropOptions {
  /** Probability of dropping, in [0, 1]. */
  p?: number;
  /**
   * Seed or generator the masks are drawn from. Default: a fresh random seed. For reproducible
   * masks give each dropout of a model its own stream of one seeded generator (`rng.fork()`).
   */
  rng?: number | Rng;
}

/**
 * The base of the dropout family (Dropout, SpatialDropout2d, DropPath, AlphaDropout): a checked drop
 * probability `p` and a generator the masks are drawn from, kept with the layer's other options as
 * `{ p, ...extra, rng? }` (a numeric seed only: a generator is state, not configuration).
 */
export abstract class DropLayer<Config extends { p: number; rng?: number }> extends Module {
  override readonly options: Config;
  /** Where the masks come from (in JavaScript: the same seed gives the same masks on every backend). */
  protected readonly rng: Rng;

  protected constructor(
    who: string,
    options: DropOptions,
    defaultP: number,
    extra: Omit<Config, 'p' | 'rng'>,
  ) {
    super();
    checkOptions(who, options);
    const p = checkProbability(who, 'p', options.p ?? defaultP);
    this.options = { p, ...extra, ...seedConfig(options.rng, who) } as Config;
    this.rng = layerRng(options.rng, who);
  }

  /** @deprecated Read `options.p`. */
  get p(): number {
    return this.options.p;
  }
}
