import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { packageAliases } from '../vitest.config';

// vitest.config.ts finds the packages by itself: this checks that every package and every `exports`
// subpath of it (e.g. '@convkit/core/testing') is aliased to a source file that exists.
describe('vitest.config.ts package discovery', () => {
  const dir = new URL('../packages/', import.meta.url);
  const manifests = readdirSync(dir)
    .filter((name) => existsSync(new URL(`${name}/package.json`, dir)))
    .map((name) => JSON.parse(readFileSync(new URL(`${name}/package.json`, dir), 'utf8')));

  it('aliases every package and subpath to an existing source file', () => {
    expect(manifests.length).toBeGreaterThanOrEqual(7);
    for (const m of manifests) {
      const subpaths = Object.keys(m.exports ?? { '.': null }).filter((s) => !s.endsWith('.json'));
      for (const subpath of subpaths) {
        const specifier = subpath === '.' ? m.name : `${m.name}${subpath.slice(1)}`;
        const alias = packageAliases.find((a) => a.find.test(specifier));
        expect(alias, specifier).toBeDefined();
        expect(existsSync(alias?.replacement ?? ''), `${specifier} → ${alias?.replacement}`).toBe(true);
      }
    }
  });

  it('matches whole specifiers only', () => {
    expect(packageAliases.some((a) => a.find.test('@convkit/core'))).toBe(true);
    expect(packageAliases.filter((a) => a.find.test('@convkit/core')).length).toBe(1);
    expect(packageAliases.some((a) => a.find.test('@convkit/corex'))).toBe(false);
  });
});
