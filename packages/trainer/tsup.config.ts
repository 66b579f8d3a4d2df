import { defineConfig } from 'tsup';

const common = { format: ['esm', 'cjs'], sourcemap: true, target: 'es2022', shims: true } as const;

export default defineConfig([
  {
    ...common,
    // node.ts: the Node-only subpath; pool-worker.ts: the worker threads' script, loaded by path (not
    // imported). shims: import.meta.url in the CJS build (worker-pool.ts finds pool-worker.js beside itself).
    entry: ['src/index.ts', 'src/node.ts', 'src/pool-worker.ts'],
    dts: true,
    clean: true,
  },
  // The `convkit` bin: ESM only, no types.
  { ...common, entry: ['src/cli.ts'], format: ['esm'], dts: false, clean: false },
]);
