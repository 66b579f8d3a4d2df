import { defineConfig } from 'tsup';

export default defineConfig({
  // node.ts: the Node-only subpath; pool-worker.ts: the worker threads' script, loaded by path (not imported).
  entry: ['src/index.ts', 'src/node.ts', 'src/pool-worker.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  // import.meta.url in the CJS build (worker-pool.ts finds pool-worker.js beside itself).
  shims: true,
});
