import { defineConfig } from 'vite';
import { datasets } from './datasets-plugin.ts';
import { tfjsWasmThreads } from './tfjs-wasm-threads-plugin.ts';

// Cross-origin isolation (COOP + COEP) gives the page SharedArrayBuffer, which WASM threads need. The
// dev and preview servers send the headers; public/_headers does the same on hosts that read it
// (Netlify, Cloudflare Pages). Every resource is same-origin, so `require-corp` blocks nothing.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  // Relative URLs: the built site works from any folder of any static host.
  base: './',
  plugins: [datasets()],
  server: { headers: isolation },
  preview: { headers: isolation },
  // The worker is bundled on its own, with its own plugins.
  worker: { format: 'es', plugins: () => [tfjsWasmThreads()] },
  build: { target: 'es2022', chunkSizeWarningLimit: 2000 },
  // The dev server pre-bundles these once at start (the backends are imported lazily by
  // @convkit/backend, so it would find them late and reload the page).
  optimizeDeps: {
    include: [
      '@tensorflow/tfjs-core',
      '@tensorflow/tfjs-backend-cpu',
      '@tensorflow/tfjs-backend-wasm',
      '@tensorflow/tfjs-backend-webgpu',
      'comlink',
      'idb-keyval',
      'chart.js',
      'wasm-feature-detect',
      // @convkit/data's image decoders, loaded lazily too.
      '@convkit/data > fast-png',
      '@convkit/data > jpeg-js',
    ],
  },
});
