import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const pkgs = ['backend', 'init', 'core', 'data', 'norms', 'regularization', 'augment', 'models'];
const src = (p: string) => fileURLToPath(new URL(`./packages/${p}`, import.meta.url));

// Tests import the packages' TypeScript sources directly, so a test run needs no build.
export default defineConfig({
  resolve: {
    alias: pkgs.flatMap((p) => [
      { find: new RegExp(`^@convkit/${p}/testing$`), replacement: src(`${p}/src/testing.ts`) },
      { find: new RegExp(`^@convkit/${p}$`), replacement: src(`${p}/src/index.ts`) },
    ]),
  },
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
