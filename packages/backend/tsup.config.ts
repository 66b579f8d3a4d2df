import { packageConfig } from '../../tsup.base';

// shims: import.meta.url in the CJS build (wasm-threads.ts resolves tfjs-backend-wasm's files from this package).
export default packageConfig(['src/index.ts', 'src/testing.ts'], { shims: true });
