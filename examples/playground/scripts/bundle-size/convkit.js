// The smallest convkit app that trains the playground's CNN: one Adam step of mnist_cnn on the backend
// named in the URL (?backend=webgpu|wasm). Only what it uses is imported; the packages are side-effect free.
import { initBackend } from '@convkit/backend';
import { crossEntropy, valueAndGrads } from '@convkit/core';
import { mnistCnn } from '@convkit/models';
import { Adam } from '@convkit/trainer';
import { dispose, randomUniform, tensor1d } from '@tensorflow/tfjs-core';
import { labels, publish, wasmPaths } from './shared.js';

async function main() {
  const backend = new URLSearchParams(location.search).get('backend');
  await initBackend({ backend, strict: true, wasmPaths });
  const model = mnistCnn({ rng: 0 });
  const optimizer = new Adam(model, { lr: 1e-3 });
  const x = randomUniform([8, 28, 28, 1]);
  const y = tensor1d(labels(8), 'int32');
  const { loss, grads } = valueAndGrads(model, () => crossEntropy(model.call(x), y));
  optimizer.step(grads);
  const value = (await loss.data())[0];
  dispose([x, y, loss, ...Object.values(grads)]);
  return { loss: value };
}

publish(main());
