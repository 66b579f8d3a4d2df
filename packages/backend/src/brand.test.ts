import { describe, expect, it } from 'vitest';
import { BRAND, hasBrand } from './brand';

/** What one copy of a package defines: a branded base and a subclass with its own brand. */
function packageCopy() {
  class Base {
    readonly kind = 'base';
    static readonly [BRAND]: string = '@convkit/test.Base';
    static [Symbol.hasInstance](x: unknown): boolean {
      // biome-ignore lint/complexity/noThisInStatic: the class on the right of instanceof
      return hasBrand(x, this);
    }
  }
  class Leaf extends Base {
    static override readonly [BRAND]: string = '@convkit/test.Leaf';
  }
  class Unbranded extends Base {}
  return { Base, Leaf, Unbranded };
}

describe('hasBrand', () => {
  it('instanceof holds across two copies of a class (ESM and CJS builds) through the shared brand', () => {
    const esm = packageCopy();
    const cjs = packageCopy();
    expect(esm.Base).not.toBe(cjs.Base);
    expect(new esm.Leaf() instanceof cjs.Base).toBe(true);
    expect(new esm.Leaf() instanceof cjs.Leaf).toBe(true);
    expect(new esm.Unbranded() instanceof cjs.Base).toBe(true);
    expect(new esm.Base() instanceof cjs.Leaf).toBe(false);
  });

  it('a subclass without its own brand keeps the ordinary instanceof', () => {
    const { Base, Leaf, Unbranded } = packageCopy();
    expect(new Unbranded() instanceof Unbranded).toBe(true);
    expect(new Leaf() instanceof Unbranded).toBe(false);
    expect(new (packageCopy().Unbranded)() instanceof Unbranded).toBe(false);
    expect(new Base() instanceof Base).toBe(true);
  });

  it('non-objects and unrelated objects are not instances', () => {
    const { Base } = packageCopy();
    for (const x of [null, undefined, 1, 'Base', {}, [], () => 0, Object.create(null)]) {
      expect(x instanceof Base).toBe(false);
    }
  });
});
