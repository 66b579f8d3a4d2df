// The tfjs-layers app on tfjs's wasm backend: the CNN and Adam step of tfjs-step.js. Named imports only.

import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { setBackend } from '@tensorflow/tfjs-core';
import { publish, wasmPaths } from './shared.js';
import { tfjsAdamStep } from './tfjs-step.js';

async function main() {
  setWasmPaths(wasmPaths);
  if (!(await setBackend('wasm'))) throw new Error('wasm did not start');
  return tfjsAdamStep();
}

publish(main());
