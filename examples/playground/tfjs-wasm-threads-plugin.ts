// tfjs-backend-wasm 4.22 starts each WASM thread (an Emscripten pthread) from the text of its factory
// function (`wasmFactoryThreadedSimd.toString()`, put in a Blob). That text reads `_scriptDir`, a
// variable of the closure around the function, which the pthread does not have: unminified, a
// `typeof _scriptDir` guard saves it; a minifier (Vite's build) renames the variable and drops the guard,
// and every thread dies with "ReferenceError: e is not defined". This plugin moves the variable into the
// function, so that its text stands alone. Any minifying bundler needs the same for tfjs's WASM threads.
import type { Plugin } from 'vite';

const FILE = '/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js';
const HEAD =
  /var _scriptDir = (typeof document !== 'undefined' && document\.currentScript \? document\.currentScript\.src : undefined;)\s*if \(typeof __filename !== 'undefined'\) _scriptDir = _scriptDir \|\| __filename;\s*return \(\s*function\(WasmBackendModuleThreadedSimd\) \{/;

export function tfjsWasmThreads(): Plugin {
  return {
    name: 'convkit-tfjs-wasm-threads',
    enforce: 'pre',
    transform(code, id) {
      if (!id.replace(/\\/g, '/').split('?')[0].endsWith(FILE)) return undefined;
      if (!HEAD.test(code)) {
        this.error(
          `${FILE} does not start as tfjs-backend-wasm 4.22's does: check whether this fix is still needed`,
        );
      }
      return {
        code: code.replace(
          HEAD,
          (_, init: string) =>
            `return (\nfunction(WasmBackendModuleThreadedSimd) {\n  var _scriptDir = ${init} // moved in by convkit-tfjs-wasm-threads\n`,
        ),
        map: null,
      };
    },
  };
}
