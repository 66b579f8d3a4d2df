import type { Rng } from '@convkit/backend';
import type { Module } from '@convkit/core';

/** Whether `x` is an `Rng` (by its methods, so a generator from another build of @convkit/backend counts). */
function isRng(x: unknown): x is Rng {
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof (x as Rng).nextUint32 === 'function' &&
    typeof (x as Rng).state === 'function' &&
    typeof (x as Rng).setState === 'function'
  );
}

/**
 * Every random generator a model holds — the dropout family's mask streams, any layer's `Rng` field —
 * by `<module path>.<field>` (`drop.rng`, `layer1.0.dropPath.rng`), each generator once (a generator
 * shared by several layers is named after the first). A checkpoint saves their states so that a
 * resumed run draws the same masks. Found by looking at each module's own fields.
 *
 * @example
 * moduleRngs(mnistCnn({ dropRate: 0.2, rng: 0 })); // [['drop.rng', Rng]]
 */
export function moduleRngs(model: Module): [string, Rng][] {
  const seen = new Set<Rng>();
  const out: [string, Rng][] = [];
  for (const [path, m] of model.namedModules()) {
    for (const [field, value] of Object.entries(m)) {
      if (!isRng(value) || seen.has(value)) continue;
      seen.add(value);
      out.push([path ? `${path}.${field}` : field, value]);
    }
  }
  return out;
}
