import { defineConfig } from 'tsup';

export default defineConfig({
  // index.browser.ts: the browser condition's entry (no node: imports; see package.json exports).
  entry: ['src/index.ts', 'src/index.browser.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  // Defines import.meta.url in the CJS build (used by src/resolve.ts).
  shims: true,
});
