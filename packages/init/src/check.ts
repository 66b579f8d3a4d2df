/** Validates a shape (an array of non-negative integers) and returns its number of elements. */
export function checkShape(shape: readonly number[], who: string): number {
  if (!Array.isArray(shape))
    throw new Error(`${who}: shape must be an array of integers, got ${String(shape)}`);
  let size = 1;
  for (const d of shape) {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      throw new Error(`${who}: shape must contain non-negative integers, got [${shape.join(', ')}]`);
    }
    size *= d;
  }
  return size;
}

/** Throws on option keys that `who` does not know (catches typos in configs such as `{ gian: 2 }`). */
export function checkOptions(who: string, options: object | undefined, known: readonly string[]): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new Error(`${who}: options must be an object, got ${String(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      const list = known.length > 0 ? known.join(', ') : '(none)';
      throw new Error(`${who}: unknown option '${key}'; known options: ${list}`);
    }
  }
}
