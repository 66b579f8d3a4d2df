import { type Tensor, tensor } from '@tensorflow/tfjs-core';
import { checkSeed } from './checks';

/**
 * Everything an {@link Rng} will draw next depends on: a plain JSON-able record (`rng.state()`), to
 * checkpoint a generator and resume its stream exactly (`Rng.fromState(s)`, `rng.setState(s)`).
 */
export interface RngState {
  /** Format version of this record. */
  version: 1;
  /** The seed the generator was built with (informative: the stream continues from `words`). */
  seed: number;
  /** sfc32's four 32-bit words, as unsigned integers. */
  words: [number, number, number, number];
  /** The second value of the last Box–Muller pair, returned by the next `normal()`; null if none. */
  spareNormal: number | null;
}

/**
 * A seedable pseudo-random number generator (sfc32, seeded through splitmix32).
 *
 * Random numbers are drawn in JavaScript and uploaded as tensors, so the same seed gives
 * bit-identical tensors on every backend (cpu, wasm, webgpu). Every random op in convkit takes
 * an `Rng` (or a seed): there is no hidden global random state.
 *
 * @example
 * const rng = new Rng(42);
 * rng.uniform();                  // a number in [0, 1)
 * const w = rng.normalTensor([3, 3, 16, 32], 0, 0.1);
 * const child = rng.fork();       // an independent stream, itself reproducible
 * const saved = rng.state();      // JSON-able; Rng.fromState(saved) draws what rng draws next
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spareNormal: number | null = null;

  /** `seed`: an integer in [0, 2³²) (default 0); anything else throws (1.5, −1 or 2³² would alias other seeds). */
  constructor(readonly seed: number = 0) {
    checkSeed('Rng', 'seed', seed);
    let s = seed >>> 0;
    const next = () => {
      // splitmix32: spreads a small integer seed over the 128-bit state.
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /**
   * The generator's state, a plain JSON-able object: a copy, so later draws do not change it.
   * `Rng.fromState(state)` or `rng.setState(state)` continue the stream bit for bit, the pending
   * second value of a Box–Muller pair (`normal()`) included.
   *
   * @example
   * const saved = JSON.stringify(rng.state());
   * const a = rng.uniform();
   * rng.setState(JSON.parse(saved));
   * rng.uniform() === a; // true
   */
  state(): RngState {
    return {
      version: 1,
      seed: this.seed,
      words: [this.a >>> 0, this.b >>> 0, this.c >>> 0, this.d >>> 0],
      spareNormal: this.spareNormal,
    };
  }

  /**
   * Restores a state from `state()` (this generator's or another's). The record is checked
   * whole before anything changes: four unsigned 32-bit integer words, a finite number or null as
   * the spare normal. Returns this generator.
   */
  setState(state: RngState): this {
    const { words, spareNormal } = checkState(state);
    [this.a, this.b, this.c, this.d] = words;
    this.spareNormal = spareNormal;
    return this;
  }

  /** A generator that continues the stream saved by `state()`. */
  static fromState(state: RngState): Rng {
    const { seed } = checkState(state);
    return new Rng(seed).setState(state);
  }

  /** A uniformly distributed unsigned 32-bit integer. */
  nextUint32(): number {
    // sfc32 (Chris Doty-Humphrey's Small Fast Counting generator).
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A number uniformly distributed in [lo, hi) (default [0, 1)). */
  uniform(lo = 0, hi = 1): number {
    return lo + (hi - lo) * (this.nextUint32() / 4294967296);
  }

  /** An integer uniformly distributed in [lo, hi). */
  int(lo: number, hi: number): number {
    if (!(hi > lo)) throw new Error(`Rng.int: need hi > lo, got [${lo}, ${hi})`);
    return lo + Math.floor(this.uniform() * (hi - lo));
  }

  /** A normally distributed number (Box–Muller). */
  normal(mean = 0, std = 1): number {
    if (this.spareNormal !== null) {
      const z = this.spareNormal;
      this.spareNormal = null;
      return mean + std * z;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return mean + std * r * Math.cos(2 * Math.PI * v);
  }

  /** True with probability `p`. */
  bernoulli(p: number): boolean {
    return this.uniform() < p;
  }

  /** A new generator seeded from this one: an independent, reproducible stream. */
  fork(): Rng {
    return new Rng(this.nextUint32());
  }

  /** A Fisher–Yates permutation of 0..n-1. */
  permutation(n: number): Int32Array {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(this.uniform() * (i + 1));
      const t = out[i];
      out[i] = out[j];
      out[j] = t;
    }
    return out;
  }

  /** Fills a Float32Array of `size` values with `draw()`. */
  fill(size: number, draw: () => number): Float32Array {
    const out = new Float32Array(size);
    for (let i = 0; i < size; i++) out[i] = draw();
    return out;
  }

  /** A float32 tensor of uniform values in [lo, hi). Same seed, same values on every backend. */
  uniformTensor(shape: number[], lo = 0, hi = 1): Tensor {
    return tensor(
      this.fill(sizeOf(shape), () => this.uniform(lo, hi)),
      shape,
      'float32',
    );
  }

  /** A float32 tensor of normal values. Same seed, same values on every backend. */
  normalTensor(shape: number[], mean = 0, std = 1): Tensor {
    return tensor(
      this.fill(sizeOf(shape), () => this.normal(mean, std)),
      shape,
      'float32',
    );
  }
}

function checkState(state: RngState): RngState {
  const fail = (why: string): never => {
    throw new Error(`Rng state: ${why}; pass an object returned by rng.state()`);
  };
  if (state === null || typeof state !== 'object') fail(`expected an object, got ${String(state)}`);
  if (state.version !== 1) fail(`unknown version ${JSON.stringify(state.version)} (this convkit reads 1)`);
  const { seed } = state;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)
    fail(`seed must be an integer in [0, 2^32), got ${seed}`);
  const { words, spareNormal } = state;
  if (!Array.isArray(words) || words.length !== 4)
    fail(`words must be 4 integers, got ${JSON.stringify(words)}`);
  for (const w of words) {
    if (!Number.isInteger(w) || w < 0 || w > 0xffffffff)
      fail(`words must be unsigned 32-bit integers, got ${JSON.stringify(words)}`);
  }
  if (spareNormal !== null && !Number.isFinite(spareNormal))
    fail(`spareNormal must be a finite number or null, got ${spareNormal}`);
  return state;
}

/**
 * An `Rng` from a seed (an integer in [0, 2³²)), or the given `Rng` itself; anything else throws,
 * naming `who` (the layer or function whose `rng` option it is).
 *
 * @example
 * const rng = toRng(options.rng ?? 0, 'Dropout');
 */
export function toRng(seedOrRng: number | Rng, who = 'toRng'): Rng {
  if (typeof seedOrRng === 'number') return new Rng(checkSeed(who, 'rng', seedOrRng));
  if (isRng(seedOrRng)) return seedOrRng;
  const got = typeof seedOrRng === 'string' ? `'${seedOrRng}'` : String(seedOrRng);
  throw new Error(`${who}: rng must be an Rng or an integer seed in [0, 2^32), got ${got}`);
}

/**
 * Whether `x` is an {@link Rng}: by its methods, so that a generator from another copy of this
 * package (its ESM and CJS builds, say) counts too.
 */
export function isRng(x: unknown): x is Rng {
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof (x as Rng).nextUint32 === 'function' &&
    typeof (x as Rng).uniformTensor === 'function' &&
    typeof (x as Rng).fork === 'function'
  );
}

function sizeOf(shape: number[]): number {
  let n = 1;
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new Error(`Invalid shape [${shape}]`);
    n *= d;
  }
  return n;
}
