import { packageConfig } from '../../tsup.base';

// index.browser.ts: the browser condition's entry (no node: imports; see package.json exports).
// shims: import.meta.url in the CJS build (used by src/resolve.ts).
export default packageConfig(['src/index.ts', 'src/index.browser.ts'], { shims: true });
