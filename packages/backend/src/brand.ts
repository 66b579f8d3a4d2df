/**
 * The static property under which a class keeps its brand: a global symbol (`Symbol.for`), so every
 * copy of a convkit package shares it — the ESM and the CJS build of one version are separate module
 * instances with separate classes, which `instanceof` alone tells apart.
 */
export const BRAND: unique symbol = Symbol.for('convkit.brand') as never;

/** A class that carries a brand: `static readonly [BRAND] = '@convkit/<package>.<ClassName>'`. */
interface Branded {
  readonly [BRAND]?: string;
}

/**
 * `x instanceof ctor`, across copies of a package: when `ctor` declares its own brand (a static
 * `[BRAND]` string), true when any class on `x`'s prototype chain declares the same brand, whichever
 * copy of the package defined it; a class without a brand of its own gets the ordinary `instanceof`.
 * A branded class makes the `instanceof` operator itself use this with
 * `static [Symbol.hasInstance](x) { return hasBrand(x, this); }` (subclasses inherit it, so a
 * subclass that declares its own brand is recognized across copies too).
 *
 * @example
 * class Module {
 *   static readonly [BRAND] = '@convkit/core.Module';
 *   static [Symbol.hasInstance](x: unknown) { return hasBrand(x, this); }
 * }
 * esmBatchNorm instanceof cjsModule; // true
 */
export function hasBrand(x: unknown, ctor: object): boolean {
  const brand = Object.hasOwn(ctor, BRAND) ? (ctor as Branded)[BRAND] : undefined;
  if (brand === undefined) return Function.prototype[Symbol.hasInstance].call(ctor, x);
  if ((typeof x !== 'object' && typeof x !== 'function') || x === null) return false;
  for (let proto = Object.getPrototypeOf(x); proto !== null; proto = Object.getPrototypeOf(proto)) {
    const c = Object.hasOwn(proto, 'constructor') ? (proto.constructor as Branded) : undefined;
    if (c !== undefined && Object.hasOwn(c, BRAND) && c[BRAND] === brand) return true;
  }
  return false;
}
