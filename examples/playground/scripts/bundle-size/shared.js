// What the minimal apps share. The .wasm binaries of tfjs-backend-wasm as assets of the build (the
// convkit and tfjs apps load them the same way).
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

export const wasmPaths = {
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd,
};

/** Labels 0..9 repeated: the batch's targets. */
export const labels = (n) => Array.from({ length: n }, (_, i) => i % 10);

/** Puts what `main` gave (or its error) where bundle-size.mjs reads it: `window.__result`. */
export function publish(main) {
  main.then(
    (r) => {
      window.__result = r;
    },
    (err) => {
      window.__result = { error: String(err?.message ?? err) };
    },
  );
}
