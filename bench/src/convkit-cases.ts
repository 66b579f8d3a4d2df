import { formatReport, initBackend, Rng } from '@convkit/backend';
import { Conv2d, crossEntropy, valueAndGrads } from '@convkit/core';
import { batches, loadMnist } from '@convkit/data';
import { mnistCnn } from '@convkit/models';
import { Adam } from '@convkit/trainer';
import { dispose, sum, type Variable, variable, variableGrads } from '@tensorflow/tfjs-core';
import { CASES, type Case, CONV, TRAIN_BATCH, TRAIN_LR } from './cases';

/** convkit's cases on `backend`, after `initBackend` (convkit's kernels and gradients). */
export async function convkitCases(backend: string): Promise<{ cases: Case[]; detail: string }> {
  const report = await initBackend({ backend, strict: true });
  const conv = new Conv2d({
    inChannels: CONV.inChannels,
    outChannels: CONV.outChannels,
    kernelSize: CONV.kernel,
    padding: 'same',
    rng: 2,
  });
  const x = new Rng(1).uniformTensor([CONV.batch, CONV.size, CONV.size, CONV.inChannels]);
  // x as a variable, so that the backward pass computes dx as well as dW and db.
  const xVar = variable(x);
  const convVars = [conv.weight, conv.bias as Variable, xVar];

  const model = mnistCnn({ rng: 0 });
  const optimizer = new Adam(model, { lr: TRAIN_LR });
  const first = batches(await loadMnist('train'), { batchSize: TRAIN_BATCH }).next();
  if (first.done) throw new Error('MNIST has no training batch');
  const { x: bx, y: by } = first.value;

  const cases: Case[] = [
    {
      name: CASES.convForward,
      run: async () => {
        const y = conv.call(x);
        await y.data();
        y.dispose();
      },
    },
    {
      name: CASES.convBackward,
      run: async () => {
        const { value, grads } = variableGrads(() => sum(conv.call(xVar)), convVars);
        await grads[conv.weight.name].data();
        dispose([value, grads]);
      },
    },
    {
      name: CASES.trainStep,
      run: async () => {
        const { loss, grads } = valueAndGrads(model, () => crossEntropy(model.call(bx), by));
        optimizer.step(grads);
        await loss.data();
        dispose([loss, grads]);
      },
    },
  ];
  return { cases, detail: formatReport(report).split('\n')[0] };
}
