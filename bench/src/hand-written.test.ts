import { describe, expect, it } from 'vitest';
import { HAND_WRITTEN_MARKER, withHandWritten } from './report';

describe('withHandWritten', () => {
  it('keeps the hand-written part of the previous RESULTS.md after the generated tables', () => {
    const previous = `# old tables\n\n${HAND_WRITTEN_MARKER}\n\n## Before/after\n\nkept\n`;
    const out = withHandWritten('# new tables\n', previous);
    expect(out).toBe(`# new tables\n\n${HAND_WRITTEN_MARKER}\n\n## Before/after\n\nkept\n`);
    expect(out).not.toContain('old tables');
  });

  it('writes the generated tables alone when there is no marker or no previous file', () => {
    expect(withHandWritten('# new\n', '# old\n')).toBe('# new\n');
    expect(withHandWritten('# new\n', undefined)).toBe('# new\n');
  });
});
