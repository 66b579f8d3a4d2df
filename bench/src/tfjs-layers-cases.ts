import { backends, Rng } from '@convkit/backend';
import { batches, loadMnist } from '@convkit/data';
import {
  cast,
  dispose,
  getKernel,
  oneHot,
  registerKernel,
  setBackend,
  sum,
  type Tensor,
  train,
  unregisterKernel,
  type Variable,
  variable,
  variableGrads,
} from '@tensorflow/tfjs-core';
import { CASES, type Case, CONV, TRAIN_BATCH, TRAIN_LR } from './cases';

/**
 * The same cases in `@tensorflow/tfjs-layers` on `backend`, set up without convkit: the backend
 * package is loaded by convkit's backend record (which also installs Dawn as `navigator.gpu` in
 * Node) but no convkit kernel or gradient is registered, and the gradients are the ones tfjs-layers'
 * Node bundle registers itself. With `withKernels`, convkit's kernels for `backend` (e.g. wasm's
 * missing Conv2DBackpropFilter) are registered by hand first, still with tfjs's gradients.
 */
export async function tfjsLayersCases(
  backend: string,
  withKernels: boolean,
): Promise<{ cases: Case[]; detail: string }> {
  const record = backends.get(backend);
  const availability = await record.isAvailable();
  if (!availability.available) throw new Error(`${backend} is not available: ${availability.reason}`);
  // Named, as with initBackend({ backend }): a software WebGPU adapter is accepted.
  await record.init({ allowSoftwareGpu: true });
  // The kernels that replace or add tfjs kernels; convkit's own (Convkit*, e.g. the fused norms) are
  // called by convkit's ops only, never by tfjs-layers.
  const kernels = record.kernels.filter((k) => !k.kernelName.startsWith('Convkit'));
  if (withKernels) {
    if (kernels.length === 0) throw new Error(`convkit registers no kernels on ${backend}`);
    // Before setBackend: a kernel's setupFunc runs when the backend instance is created.
    for (const config of kernels) {
      if (getKernel(config.kernelName, backend) !== undefined) unregisterKernel(config.kernelName, backend);
      registerKernel(config);
    }
  }
  if (!(await setBackend(backend))) throw new Error(`tf.setBackend('${backend}') failed`);
  const tfl = await import('@tensorflow/tfjs-layers');

  const conv = tfl.layers.conv2d({ filters: CONV.outChannels, kernelSize: CONV.kernel, padding: 'same' });
  const x = new Rng(1).uniformTensor([CONV.batch, CONV.size, CONV.size, CONV.inChannels]);
  dispose(conv.apply(x) as Tensor); // builds the weights
  const xVar = variable(x);
  const convVars = [...conv.trainableWeights.map((w) => w.read() as Variable), xVar];

  const model = tfl.sequential({
    layers: [
      tfl.layers.conv2d({
        inputShape: [28, 28, 1],
        filters: 8,
        kernelSize: 5,
        padding: 'same',
        activation: 'relu',
      }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.conv2d({ filters: 16, kernelSize: 5, padding: 'same', activation: 'relu' }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  model.compile({ optimizer: train.adam(TRAIN_LR), loss: 'categoricalCrossentropy' });
  const first = batches(await loadMnist('train'), { batchSize: TRAIN_BATCH }).next();
  if (first.done) throw new Error('MNIST has no training batch');
  const { x: bx, y: labels } = first.value;
  const by = cast(oneHot(labels, 10), 'float32');

  const cases: Case[] = [
    {
      name: CASES.convForward,
      run: async () => {
        const y = conv.apply(x) as Tensor;
        await y.data();
        y.dispose();
      },
    },
    {
      name: CASES.convBackward,
      run: async () => {
        const { value, grads } = variableGrads(() => sum(conv.apply(xVar) as Tensor), convVars);
        await grads[convVars[0].name].data();
        dispose([value, grads]);
      },
    },
    {
      name: CASES.trainStep,
      // trainOnBatch: forward, loss, backward, Adam update, and the loss read back.
      run: async () => {
        await model.trainOnBatch(bx, by);
      },
    },
  ];
  return {
    cases,
    detail: `tfjs-layers${withKernels ? ` + convkit kernels (${kernels.map((k) => k.kernelName).join(', ')})` : ''}`,
  };
}
