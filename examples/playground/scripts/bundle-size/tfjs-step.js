// The same CNN in tfjs-layers (conv 5×5 ×8, relu, max-pool, conv 5×5 ×16, relu, max-pool, dense 10)
// and one Adam step with trainOnBatch, on whichever tfjs backend is set. Named imports only.

import { randomUniform, tensor1d, train } from '@tensorflow/tfjs-core';
import { layers, sequential } from '@tensorflow/tfjs-layers';
import { labels } from './shared.js';

export async function tfjsAdamStep() {
  const model = sequential({
    layers: [
      layers.conv2d({
        inputShape: [28, 28, 1],
        filters: 8,
        kernelSize: 5,
        padding: 'same',
        activation: 'relu',
      }),
      layers.maxPooling2d({ poolSize: 2 }),
      layers.conv2d({ filters: 16, kernelSize: 5, padding: 'same', activation: 'relu' }),
      layers.maxPooling2d({ poolSize: 2 }),
      layers.flatten(),
      layers.dense({ units: 10 }),
    ],
  });
  model.compile({ optimizer: train.adam(1e-3), loss: 'sparseCategoricalCrossentropy' });
  const loss = await model.trainOnBatch(randomUniform([8, 28, 28, 1]), tensor1d(labels(8), 'float32'));
  return { loss };
}
