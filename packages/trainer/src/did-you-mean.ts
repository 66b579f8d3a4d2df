import { editDistance } from '@convkit/backend';

/** Lower case without separators: `weight_decay`, `Weight-Decay` and `weightDecay` compare equal. */
function fold(name: string): string {
  return name.toLowerCase().replace(/[-_\s]/g, '');
}

/**
 * The known name closest to `name`, when one is close: equal up to case and `-`/`_` (PyTorch's
 * `weight_decay` for `weightDecay`), the start of a known name (`step` for `StepLR`), or within a small
 * edit distance (`adan` for `Adam`).
 */
export function closestName(name: string, known: readonly string[]): string | undefined {
  const folded = fold(name);
  const same = known.find((k) => fold(k) === folded);
  if (same !== undefined) return same;
  const prefix = folded.length >= 3 ? known.find((k) => fold(k).startsWith(folded)) : undefined;
  if (prefix !== undefined) return prefix;
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(folded.length / 3)) + 1;
  for (const k of known) {
    const d = editDistance(folded, fold(k));
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return best;
}

/** `" (did you mean 'x'?)"` when a known name is close to `name`, else `""`. */
export function didYouMean(name: string, known: readonly string[]): string {
  const guess = closestName(name, known);
  return guess === undefined ? '' : ` (did you mean '${guess}'?)`;
}
