import { useBackend } from '@convkit/backend/testing';
import { createModel, saveSafetensors } from '@convkit/models';
import { memory } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { loadWeightsFile, MODEL_METADATA, WeightsFileError, weightsToSafetensors } from './weights';

async function values(model: ReturnType<typeof createModel>): Promise<number[][]> {
  return Promise.all(Object.values(model.stateDict()).map(async (t) => Array.from(await t.data())));
}

describe('playground weights files', () => {
  useBackend('cpu');

  it('round-trips a model through safetensors with PyTorch keys and the zoo name', async () => {
    const a = createModel('mnist_cnn', { numClasses: 10, rng: 1 });
    const b = createModel('mnist_cnn', { numClasses: 10, rng: 2 });
    const before = memory().numTensors;
    const bytes = await weightsToSafetensors(a, 'mnist_cnn');
    expect(memory().numTensors).toBe(before);
    const header = JSON.parse(
      new TextDecoder().decode(
        bytes.subarray(8, 8 + Number(new DataView(bytes.buffer).getBigUint64(0, true))),
      ),
    );
    expect(Object.keys(header).sort()).toEqual([
      '__metadata__',
      'fc.bias',
      'fc.weight',
      'features.0.bias',
      'features.0.weight',
      'features.3.bias',
      'features.3.weight',
    ]);
    expect(header['features.0.weight'].shape).toEqual([8, 1, 5, 5]); // OIHW, as PyTorch
    expect(header.__metadata__).toEqual({ format: 'pt', [MODEL_METADATA]: 'mnist_cnn' });
    expect(loadWeightsFile(b, 'mnist_cnn', bytes, 'a.safetensors')).toBe(
      'loaded 6 tensors from a.safetensors into mnist_cnn',
    );
    expect(await values(b)).toEqual(await values(a));
    a.dispose();
    b.dispose();
  });

  it('refuses a file that is not safetensors, or holds nothing', async () => {
    const model = createModel('mnist_cnn', { numClasses: 10 });
    const call = (bytes: Uint8Array) => () => loadWeightsFile(model, 'mnist_cnn', bytes, 'x.safetensors');
    expect(call(new TextEncoder().encode('{"not": "safetensors"}'))).toThrow(WeightsFileError);
    expect(call(new Uint8Array(3))).toThrow(
      /^x\.safetensors is not a readable safetensors file \(safetensors: .*\); nothing was loaded$/,
    );
    expect(call(await saveSafetensors({}))).toThrow('x.safetensors holds no tensors; nothing was loaded');
    model.dispose();
  });

  it("names the model another architecture's file fits, and loads nothing", async () => {
    const resnet = createModel('resnet20_mnist', { numClasses: 10, rng: 0 });
    const bytes = await weightsToSafetensors(resnet, 'resnet20_mnist');
    const model = createModel('mnist_cnn', { numClasses: 10, rng: 3 });
    const before = await values(model);
    expect(() => loadWeightsFile(model, 'mnist_cnn', bytes, 'r.safetensors')).toThrow(
      /^r\.safetensors does not fit mnist_cnn: its 128 tensors are not mnist_cnn's \(126 unknown to it: conv1\.weight, bn1\.weight, bn1\.bias and 123 more\) \(4 of mnist_cnn's missing: .*\); it fits resnet20_mnist: choose that model and load the file again\. Nothing was loaded\.$/,
    );
    expect(await values(model)).toEqual(before);
    resnet.dispose();
    model.dispose();
  });

  it('says which shapes differ when the keys match (another head or width)', async () => {
    const wide = createModel('mnist_cnn', { numClasses: 10, widthMultiplier: 2 });
    const bytes = await weightsToSafetensors(wide, 'mnist_cnn');
    const model = createModel('mnist_cnn', { numClasses: 10 });
    expect(() => loadWeightsFile(model, 'mnist_cnn', bytes, 'w.safetensors')).toThrow(
      'w.safetensors does not fit mnist_cnn: the shapes differ (5 tensors: features.0.weight: model expects [8,1,5,5], ' +
        'file has [16,1,5,5]; features.0.bias: model expects [8], file has [16]; and 3 more). Nothing was loaded.',
    );
    wide.dispose();
    model.dispose();
  });
});
