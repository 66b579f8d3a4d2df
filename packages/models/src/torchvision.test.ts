// Equality with torchvision: each case of fixtures/cases.json (written by fixtures/make_fixtures.py) is a
// torchvision module with seeded random weights, its state dict as safetensors and its eval-mode logits.
// Our model of the same architecture loads the state dict with loadTorchWeights (strict) and must give the
// same logits within 1e-4 of the largest |logit|, on every backend; exportTorchWeights must give the file's
// tensors back. With CONVKIT_TORCHVISION_DIR set (make_fixtures.py --full DIR), the full-size models too.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeEachBackend, maxAbsDiff } from '@convkit/backend/testing';
import { dispose, memory, type Tensor, tidy, transpose } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createModel } from './index';
import { readSafetensors } from './safetensors';
import { summary } from './summary';
import { exportTorchWeights, loadTorchWeights } from './torch-weights';

interface Case {
  case: string;
  model: string;
  options: Record<string, unknown>;
  input: number[];
  params: number;
  macs: number;
}

const committed = join(__dirname, '..', 'fixtures');
const full = process.env.CONVKIT_TORCHVISION_DIR;
const sources = [committed, ...(full ? [full] : [])];
const cases = (dir: string): Case[] => JSON.parse(readFileSync(join(dir, 'cases.json'), 'utf8'));

describe('torchvision fixtures', () => {
  it.skipIf(full !== undefined)(
    'full-size checks: skipped, set CONVKIT_TORCHVISION_DIR (python3 fixtures/make_fixtures.py --full DIR)',
    () => {},
  );
});

describeEachBackend('torchvision equality', (backend) => {
  for (const dir of sources) {
    for (const c of cases(dir)) {
      const label = dir === committed ? `${c.case} (${c.model}, reduced)` : `${c.case} (full size)`;
      // Full-size models take minutes on cpu (plain JS).
      const timeout = dir === committed ? undefined : 1_800_000;
      it(`${label}: same logits as torchvision after loadTorchWeights, and exportTorchWeights gives the file back`, {
        timeout,
      }, async () => {
        const before = memory().numTensors;
        const model = createModel(c.model, { ...c.options, rng: 1 });
        const weights = await readSafetensors(join(dir, `${c.case}.safetensors`));
        const io = await readSafetensors(join(dir, `${c.case}.io.safetensors`));
        try {
          expect(model.numParameters(), 'parameter count of the torch module').toBe(c.params);
          const result = loadTorchWeights(model, weights);
          expect(result.missing.filter((k) => !k.endsWith('num_batches_tracked'))).toEqual([]);
          expect(result.unexpected).toEqual([]);
          model.eval();
          const x = io.tensor('input');
          const nhwc = tidy(() => transpose(x, [0, 2, 3, 1]));
          const y = model.call(nhwc);
          const logits = io.tensor('logits');
          const expected = await logits.data();
          const got = await y.data();
          const scale = Math.max(...Array.from(expected, Math.abs));
          const diff = maxAbsDiff(got, expected);
          expect(y.shape).toEqual(io.entry('logits').shape);
          expect(diff, `max |diff| ${diff} vs 1e-4 · ${scale}`).toBeLessThanOrEqual(1e-4 * scale);
          dispose([x, nhwc, y, logits]);

          const exported = exportTorchWeights(model);
          expect(Object.keys(exported)).toEqual(weights.names);
          for (const [k, t] of Object.entries(exported)) {
            expect(t.shape, k).toEqual(weights.entry(k).shape);
            const file = weights.tensor(k);
            expect(maxAbsDiff(await t.data(), await file.data()), k).toBe(0);
            file.dispose();
          }
          dispose(Object.values(exported) as Tensor[]);
          // Counting is the same on every backend.
          if (dir === committed && backend === 'cpu') {
            const s = summary(model, [1, ...c.input.slice(2), c.input[1]]);
            expect(s.macs, 'MACs (PyTorch counts them the same way)').toBe(c.macs);
          }
        } finally {
          model.dispose();
        }
        expect(memory().numTensors - before, 'tensors left').toBe(0);
      });
    }
  }
});
