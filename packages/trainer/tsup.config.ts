import { defineConfig } from 'tsup';
import { packageConfig } from '../../tsup.base';

// node.ts: the Node-only subpath; pool-worker.ts: the worker threads' script, loaded by path (not
// imported). shims: import.meta.url in the CJS build (worker-pool.ts finds pool-worker.js beside itself).
export default defineConfig([
  packageConfig(['src/index.ts', 'src/node.ts', 'src/pool-worker.ts'], { shims: true }),
  // The `convkit` bin: ESM only, no types.
  { ...packageConfig(['src/cli.ts'], { shims: true }), format: ['esm'], dts: false, clean: false },
]);
