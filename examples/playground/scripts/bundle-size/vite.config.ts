import { defineConfig } from 'vite';
import { tfjsWasmThreads } from '../../tfjs-wasm-threads-plugin.ts';

// The minimal apps of bundle-size.mjs, built as the playground is (production, minified). tfjs's own
// threaded WASM needs the same fix under a minifier as convkit's (see the plugin).
export default defineConfig({
  base: './',
  logLevel: 'warn',
  plugins: [tfjsWasmThreads()],
  build: { target: 'es2022', chunkSizeWarningLimit: 4000 },
});
