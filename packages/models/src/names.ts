import { checkOptions, editDistance } from '@convkit/backend';

/**
 * The known names closest to `name`, best first: names containing it (or contained in it) and names
 * within an edit distance of a third of its length (at least 2). At most `count`.
 */
export function closestNames(name: string, known: readonly string[], count = 3): string[] {
  const key = name.toLowerCase();
  const limit = Math.max(2, Math.floor(key.length / 3));
  return known
    .map((k) => {
      const lower = k.toLowerCase();
      const contains = key.length >= 3 && (lower.includes(key) || key.includes(lower));
      return { k, d: contains ? 0.5 : editDistance(key, lower) };
    })
    .filter(({ d }) => d <= limit)
    .sort((a, b) => a.d - b.d || a.k.localeCompare(b.k))
    .slice(0, count)
    .map(({ k }) => k);
}

/** ` (did you mean 'a', 'b'?)` for the closest names, or '' when none is close. */
export function didYouMean(name: string, known: readonly string[]): string {
  const close = closestNames(name, known);
  return close.length === 0 ? '' : ` (did you mean ${close.map((c) => `'${c}'`).join(', ')}?)`;
}

/**
 * A glob as a whole-string, case-insensitive regular expression: `*` any run of characters, `?` one
 * character, `[abc]` one of a set; everything else literal.
 */
export function globToRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') source += '.*';
    else if (c === '?') source += '.';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) source += '\\[';
      else {
        source += `[${pattern.slice(i + 1, end).replace(/[\\^]/g, '\\$&')}]`;
        i = end;
      }
    } else source += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 'i');
}

/**
 * Throws, naming `who`, when `options` is not an options object (it lists the `required` keys), and for
 * every key of `options` not in `known` (with the closest known keys).
 */
export function checkKnownKeys(
  who: string,
  options: object,
  known: readonly string[],
  required: readonly string[] = [],
): void {
  checkOptions(who, options, required);
  const bad = Object.keys(options).filter(
    (k) => !known.includes(k) && (options as Record<string, unknown>)[k] !== undefined,
  );
  if (bad.length === 0) return;
  const each = bad.map((k) => `'${k}'${didYouMean(k, known)}`).join(', ');
  throw new Error(`${who}: unknown option${bad.length > 1 ? 's' : ''} ${each}; known: ${known.join(', ')}`);
}
