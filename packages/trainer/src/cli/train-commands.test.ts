import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '@convkit/backend';
import { testBackends } from '@convkit/backend/testing';
import { memory } from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toyDataset, writeImageFolder } from '../test-helpers';
import { trainingActions } from './actions';
import type { Io } from './io';
import { main } from './main';

const dir = mkdtempSync(join(tmpdir(), 'convkit-cli-train-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const data = join(dir, 'toy');
writeImageFolder(data, { train: toyDataset(32, 0), val: toyDataset(16, 1) });
// Tiny jobs: mnist_cnn on 32 toy images resized to 28×28 gray, on wasm where it is tested (fast), else cpu.
const backend = testBackends().includes('wasm') ? 'wasm' : 'cpu';
const tiny = ['-m', 'mnist_cnn', '-d', data, '--backend', backend, '--batch-size', '16', '-q'];

async function cli(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (l) => out.push(l), err: (l) => err.push(l) };
  const code = await main(argv, io, trainingActions);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('convkit train / search (tiny jobs)', () => {
  beforeAll(async () => {
    await initBackend({ backend, strict: true });
  });

  it('train: reports the backend and data, trains, writes history.json and report.html', async () => {
    const out = join(dir, 'train');
    const before = memory().numTensors;
    const r = await cli(['train', ...tiny, '--epochs', '2', '--lr', '3e-3', '-o', out]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(new RegExp(`^backend: ${backend}`, 'm'));
    expect(r.out).toContain(`data: ${data} (train 32, val 16 as validation, 28×28×1, 4 classes)`);
    expect(r.out).toContain('model: mnist_cnn, 6.6 k parameters');
    expect(r.out).toMatch(
      /^epoch 2: train loss [\d.]+, accuracy [\d.]+ %; val loss [\d.]+, accuracy [\d.]+ %$/m,
    );
    const history = JSON.parse(readFileSync(join(out, 'history.json'), 'utf8'));
    expect(history.epochs).toHaveLength(2);
    expect(history.meta).toMatchObject({
      optimizer: 'AdamW',
      schedule: 'CosineAnnealingLR',
      batchSize: 16,
      seed: 0,
    });
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('"id":"confusion"');
    expect(memory().numTensors).toBe(before);
  });

  it('search: in this process, coarse then fine, writes search.json and report.html', async () => {
    const out = join(dir, 'search');
    const r = await cli([
      'search',
      ...tiny,
      '--trials',
      '2',
      '--fine-trials',
      '1',
      '--epochs',
      '1',
      '--max-steps',
      '1',
      '-p',
      'lr=log:1e-3:1e-1',
      '-o',
      out,
    ]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      /^\[1\/3\] trial \d coarse lr=[\d.e-]+ {2}val accuracy [\d.]+ %, loss [\d.]+ {2}\([\d.]+ s\)$/m,
    );
    expect(r.out).toMatch(/^\[3\/3\] trial 2 fine {3}lr=/m);
    expect(r.out).toMatch(/^best: trial \d \((coarse|fine)\) lr=/m);
    const result = JSON.parse(readFileSync(join(out, 'search.json'), 'utf8'));
    expect(result).toMatchObject({ kind: 'convkit-search', seed: 0 });
    expect(result.trials.map((t: { stage: string }) => t.stage)).toEqual(['coarse', 'coarse', 'fine']);
    expect(existsSync(join(out, 'report.html'))).toBe(true);
  });

  it('recipe: prints the verdict of each of the 4 steps, writes recipe.json and report.html', async () => {
    const out = join(dir, 'recipe');
    const r = await cli([
      'recipe',
      ...tiny,
      '--overfit-samples',
      '8',
      '--overfit-steps',
      '5',
      '--finder-steps',
      '8',
      '--trials',
      '2',
      '--fine-trials',
      '0',
      '--max-steps',
      '1',
      '-o',
      out,
    ]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    for (const [i, name] of [
      'check the initial loss',
      'overfit a small sample',
      'find a learning rate',
      'coarse-to-fine random search',
    ].entries()) {
      expect(r.out).toMatch(new RegExp(`^step ${i + 1}/4 ${name}: (ok|PROBLEM)\\n  \\w+: `, 'm'));
    }
    expect(r.out).toMatch(/^ {2}checkInitialLoss: the loss before training is [\d.]+/m);
    expect(r.out).toContain('model: mnist_cnn, 6.6 k parameters');
    const record = JSON.parse(readFileSync(join(out, 'recipe.json'), 'utf8'));
    expect(record).toMatchObject({ kind: 'convkit-recipe', version: 1, model: 'mnist_cnn' });
    expect(record.verdicts.map((v: { step: string }) => v.step)).toEqual([
      '1. check the initial loss',
      '2. overfit a small sample',
      '3. find a learning rate',
      '4. coarse-to-fine random search',
    ]);
    expect(record.lrFinder.curve.lr.length).toBeGreaterThan(0);
    expect(record.search.trials).toHaveLength(2);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('1. check the initial loss');
    expect(html).toContain('"id":"lr-finder"');
    expect(html).toContain('The run of the best search trial');
    expect(html).toContain('"id":"loss"'); // the best trial's curves
    // convkit report on recipe.json gives the same page's charts and verdicts.
    const again = join(out, 'again.html');
    const r2 = await cli(['report', join(out, 'recipe.json'), '-o', again]);
    expect(r2).toMatchObject({ code: 0, out: `report: ${again}` });
    const page = readFileSync(again, 'utf8');
    for (const id of ['lr-finder', 'loss', 'search-lr', 'search-weightDecay'])
      expect(page).toContain(`"id":"${id}"`);
    expect(page).toContain('4. coarse-to-fine random search');
  });

  it('gives exit code 2, before loading anything, for an unknown model, data set or searched name', async () => {
    const model = await cli(['train', '-m', 'resnet19', '-d', data]);
    expect(model.code).toBe(2);
    expect(model.err).toMatch(
      /^convkit train: unknown model 'resnet19' \(did you mean 'resnet18'\?\); known: alexnet, /,
    );
    const ds = await cli(['train', '-d', 'fashion_mnist']);
    expect(ds.code).toBe(2);
    expect(ds.err).toContain(
      "convkit train: unknown data set 'fashion_mnist' (did you mean 'fashion-mnist'?)",
    );
    const cifar = await cli(['search', '-d', 'cifar10']);
    expect(cifar.err).toContain('--data cifar10 needs --data-dir');
    const param = await cli(['search', ...tiny, '-p', 'weight_decay=log:1e-4:1', '-o', join(dir, 'x')]);
    expect(param.code).toBe(2);
    expect(param.err).toContain(
      "--param: unknown hyperparameter 'weight_decay' (did you mean 'weightDecay'?)",
    );
  });
});
