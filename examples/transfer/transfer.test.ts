import { initBackend } from '@convkit/backend';
import { loadFashionMnist, loadMnist, slice, split } from '@convkit/data';
import { decodeCheckpoint } from '@convkit/trainer';
import { memory } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { fineTune, formatTable, pretrain, TRANSFER_DEFAULTS, type TransferOptions } from './src/transfer';

// Tiny sizes: the full run is `pnpm --filter @convkit/example-transfer start` (README).
const o: TransferOptions = {
  ...TRANSFER_DEFAULTS,
  width: 0.25,
  pretrainImages: 64,
  pretrainEpochs: 1,
  fineTuneImages: 32,
  fineTuneEpochs: 1,
  testImages: 32,
  batchSize: 16,
  quiet: true,
};

// On wasm (a ResNet's 19 convs are several times slower on the plain-JS cpu backend).
describe('transfer example (smoke, wasm)', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', strict: true });
  });

  it('pretrains, then fine-tunes three ways; the frozen backbone keeps its pretrained weights', async () => {
    const before = memory().numTensors;
    const mnist = slice(await loadMnist('train'), 0, 64);
    const p = await pretrain(o, mnist, slice(await loadMnist('test'), 0, 32));
    expect(p.accuracy).toBeGreaterThanOrEqual(0);
    const pretrained = decodeCheckpoint(p.weights);
    const fashion = split(await loadFashionMnist('train'), 32, { seed: 0 })[0];
    const test = split(await loadFashionMnist('test'), 32, { seed: 0 })[0];

    const rows = [];
    for (const variant of ['scratch', 'frozen', 'discriminative'] as const) {
      const r = await fineTune(variant, o, p.weights, fashion, test, async (model, optimizer) => {
        const lrs = optimizer.paramGroups.map((g) => g.lr);
        if (variant === 'discriminative') expect(lrs).toEqual([o.backboneLr, o.headLr]);
        else expect(lrs).toEqual([variant === 'scratch' ? o.lr : o.headLr]);
        if (variant !== 'frozen') return;
        // Every backbone parameter and BatchNorm statistic is the pretrained one: only `fc` trained.
        for (const [name, t] of Object.entries(model.stateDict())) {
          if (name.startsWith('fc.')) continue;
          const saved = pretrained.file.values(`model/state/${name}`);
          expect(Array.from(await t.data()), name).toEqual(Array.from(saved));
        }
      });
      expect(r.accuracy).toBeGreaterThanOrEqual(0);
      expect(r.accuracy).toBeLessThanOrEqual(1);
      rows.push({ variant, ...r });
    }
    const [scratch, frozen, whole] = rows;
    expect(frozen.trainable).toBeLessThan(scratch.trainable / 5); // the head only
    expect(whole.trainable).toBe(scratch.trainable);
    expect(formatTable(rows)).toMatch(/\(b\) new head, frozen backbone +\d+\.\d\d %/);
    expect(memory().numTensors).toBe(before);
  }, 180_000);
});
