import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useBackend } from '@convkit/backend/testing';
import { saveSafetensors } from '@convkit/models';
import { memory, tensor } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { EarlyStopping } from '../fit/early-stopping';
import { fit } from '../fit/fit';
import { ModelCheckpoint } from '../fit/model-checkpoint';
import { Adam } from '../optim/adam';
import { StepLR } from '../schedule/step-lr';
import { toyDataset, toyModel, weightsOf } from '../test-helpers';
import { decodeCheckpoint, encodeCheckpoint, restoreCheckpoint } from './checkpoint';
import { loadCheckpoint, saveCheckpoint } from './file';
import { moduleRngs } from './module-rngs';

const train = toyDataset(32, 0);

describe('checkpoints [cpu]', () => {
  useBackend('cpu');

  it('save → load → restore gives the same weights, optimizer state, schedule and generators', async () => {
    const model = toyModel(0);
    const opt = new Adam(model, { lr: 0.01 });
    const schedule = new StepLR(opt, { stepSize: 1, gamma: 0.5 });
    await fit(model, train, { epochs: 2, batchSize: 16, optimizer: opt, schedule, quiet: true });
    const dir = mkdtempSync(join(tmpdir(), 'convkit-ckpt-'));
    await saveCheckpoint(join(dir, 'a.safetensors'), { model, optimizer: opt, schedule });

    const copy = toyModel(9);
    const opt2 = new Adam(copy, { lr: 0.5 });
    const schedule2 = new StepLR(opt2, { stepSize: 1, gamma: 0.5 });
    const ckpt = await loadCheckpoint(join(dir, 'a.safetensors'));
    restoreCheckpoint(ckpt, { model: copy, optimizer: opt2, schedule: schedule2 });
    const after = memory().numTensors; // the optimizer now holds its moments
    restoreCheckpoint(ckpt, { model: copy, optimizer: opt2, schedule: schedule2 });
    expect(memory().numTensors).toBe(after);
    expect(await weightsOf(copy)).toEqual(await weightsOf(model));
    expect(opt2.paramGroups[0].lr).toBe(0.0025);
    expect(schedule2.lastEpoch).toBe(2);
    const stateA = opt.stateDict().state['0.weight'];
    const stateB = opt2.stateDict().state['0.weight'];
    expect(stateB.step).toBe(stateA.step);
    expect(Array.from(await (stateB.expAvg as ReturnType<typeof tensor>).data())).toEqual(
      Array.from(await (stateA.expAvg as ReturnType<typeof tensor>).data()),
    );
    const [[name, rng]] = moduleRngs(model);
    expect(name).toBe('4.rng'); // the Dropout's mask stream
    const { words, spareNormal } = rng.state(); // (`seed` is informative: the one it was built with)
    expect(moduleRngs(copy)[0][1].state()).toMatchObject({ words, spareNormal });
    for (const m of [model, copy]) m.dispose();
    for (const o of [opt, opt2]) o.dispose();
  });

  it('a checkpoint that does not fit is refused whole: nothing of the model or optimizer changes', async () => {
    const model = toyModel(0);
    const opt = new Adam(model, { lr: 0.01 });
    await fit(model, train, { epochs: 1, batchSize: 16, optimizer: opt, quiet: true });
    const bytes = await encodeCheckpoint({ model, optimizer: opt });

    const other = toyModel(1, { classes: 3 });
    const before = await weightsOf(other);
    expect(() => restoreCheckpoint(decodeCheckpoint(bytes), { model: other })).toThrow(
      /restoreCheckpoint: the checkpoint does not fit: shape mismatches: 5\.weight: the model has \[144,3\], the checkpoint \[144,4\].*nothing was restored/,
    );
    expect(await weightsOf(other)).toEqual(before);

    // The optimizer's own checks fail after the upfront ones passed (two groups where it saved one):
    // what was loaded is put back.
    const target = toyModel(2);
    const params = target.namedParameters();
    const split = new Adam([{ params: params.slice(0, 2) }, { params: params.slice(2) }], { lr: 0.3 });
    const weightsBefore = await weightsOf(target);
    expect(() => restoreCheckpoint(decodeCheckpoint(bytes), { model: target, optimizer: split })).toThrow(
      /group/,
    );
    expect(await weightsOf(target)).toEqual(weightsBefore);
    expect(split.paramGroups.map((g) => g.lr)).toEqual([0.3, 0.3]);
    expect(Object.keys(split.stateDict().state)).toEqual([]);
    for (const m of [model, other, target]) m.dispose();
    opt.dispose();
    split.dispose();
  });

  it('refuses a safetensors file that is not a convkit checkpoint', async () => {
    const t = tensor([1, 2]);
    const bytes = await saveSafetensors({ w: t });
    t.dispose();
    expect(() => decodeCheckpoint(bytes)).toThrow(/Checkpoint: not a convkit checkpoint.*loadSafetensors/);
  });

  it('ModelCheckpoint keeps last and best files that fit resumes from', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'convkit-run-'));
    const model = toyModel(3);
    const saver = new ModelCheckpoint({ dir, every: 1 });
    const full = await fit(model, train, {
      epochs: 2,
      batchSize: 16,
      callbacks: [saver, new EarlyStopping()],
      quiet: true,
    });
    expect(readdirSync(dir).sort()).toEqual(['best.safetensors', 'last.safetensors']);
    expect(saver.written.last).toBe(4); // steps 1 and 3 (mid-epoch), the ends of epochs 1 and 2
    expect(saver.written.best).toBeGreaterThanOrEqual(1);
    const last = await loadCheckpoint(saver.path('last'));
    expect((last.data.extra as { fit: { position: unknown } }).fit.position).toEqual({
      epoch: 2,
      batch: 0,
      step: 4,
    });
    // Resuming a finished run with more epochs continues it.
    const more = await fit(toyModel(4), train, {
      epochs: 3,
      batchSize: 16,
      resume: saver.path('last'),
      quiet: true,
    });
    expect(more.epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(more.steps.slice(0, 4)).toEqual(full.steps);
    model.dispose();
  });
});
