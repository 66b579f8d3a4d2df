// The tfjs-layers app on tfjs's webgpu backend: the CNN and Adam step of tfjs-step.js. Named imports only.

import '@tensorflow/tfjs-backend-webgpu';
import { setBackend } from '@tensorflow/tfjs-core';
import { publish } from './shared.js';
import { tfjsAdamStep } from './tfjs-step.js';

async function main() {
  if (!(await setBackend('webgpu'))) throw new Error('webgpu did not start');
  return tfjsAdamStep();
}

publish(main());
