import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Tests import the packages' TypeScript sources directly, so a test run needs no build. Every folder of
// packages/ with a package.json is found here: each of its `exports` subpaths maps to a source file by
// the tsup entry convention — '.' → src/index.ts, './testing' → src/testing.ts — so a new package (or a
// new subpath) is aliased and tested without editing this file.
const packagesDir = new URL('./packages/', import.meta.url);

export const packageAliases = readdirSync(packagesDir, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(new URL(`${d.name}/package.json`, packagesDir)))
  .flatMap((d) => {
    const manifest = JSON.parse(readFileSync(new URL(`${d.name}/package.json`, packagesDir), 'utf8')) as {
      name: string;
      exports?: Record<string, unknown>;
    };
    const subpaths = Object.keys(manifest.exports ?? { '.': null }).filter((s) => !s.endsWith('.json'));
    return subpaths.map((subpath) => {
      const entry = subpath === '.' ? 'index' : subpath.slice(2);
      const specifier = subpath === '.' ? manifest.name : `${manifest.name}/${entry}`;
      return {
        find: new RegExp(`^${specifier.replace(/[/.]/g, '\\$&')}$`),
        replacement: fileURLToPath(new URL(`${d.name}/src/${entry}.ts`, packagesDir)),
      };
    });
  });

export default defineConfig({
  resolve: { alias: packageAliases },
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'examples/**/*.test.ts',
      'bench/**/*.test.ts',
      'scripts/**/*.test.ts',
    ],
    // Dawn (the webgpu addon) and the wasm backend are happiest in child processes.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
